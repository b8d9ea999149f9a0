using System.Globalization;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Training;

/// <summary>
/// How large a model may be, the one source of these bounds for <see cref="EnergyModelOptions.Validate"/>, for
/// <c>Fit</c> (which knows the feature count) and for the model loader (which checks a file's declared architecture
/// against them before it allocates anything). Each setting has a range, and the whole model a weight budget:
/// <see cref="MaxWeightBytes"/>, the size at which loading a model file was measured to stay within 1 s and 500 MB
/// (bench <c>load-cost</c>). Every flow block holds 3d² values for d features, so the budget caps the features too:
/// 817 with the default networks, 1,649 with one flow block, 2,337 with the MLP energy and one flow block.
/// </summary>
internal static class ModelSizeBounds
{
    /// <summary>
    /// Most flow blocks: each block's modules cost time to build when a file loads, whatever their size (16 blocks
    /// took twice the second the promise allows; the defaults use 4, the experiments compared up to 8).
    /// </summary>
    public const int MaxFlowBlocks = 8;

    /// <summary>Widest hidden layer, flow conditioners and energy alike.</summary>
    public const int MaxWidth = 1024;

    /// <summary>Most hidden layers of the energy network.</summary>
    public const int MaxEnergyLayers = 8;

    /// <summary>Largest tilt bound in nats (exp of it must stay far from overflow in the log Z estimator).</summary>
    public const double MaxTiltBound = 50;

    /// <summary>Most centers of a kernel term (each holds one standardized training row).</summary>
    public const int MaxKernelCenters = 65_536;

    /// <summary>
    /// The most kernel centers of <paramref name="dimension"/> features that fit in the weight budget beside the networks
    /// (float32), at most <see cref="MaxKernelCenters"/>.
    /// </summary>
    public static int KernelCenterBudget(int dimension, FlowOptions flow, EnergyOptions energy)
    {
        var (energyBytes, generatorBytes) = WeightBytes(dimension, flow, energy);
        return (int)Math.Clamp((MaxWeightBytes - energyBytes - generatorBytes) / ((long)dimension * sizeof(float)), 0, MaxKernelCenters);
    }

    /// <summary>Most bytes of weight values a model may hold, both networks together (64 MiB: 16,777,216 float32 values).</summary>
    public const long MaxWeightBytes = 64L << 20;

    /// <summary>Bytes of weight values (parameters and buffers) of the energy and the generator for <paramref name="dimension"/> features.</summary>
    public static (long Energy, long Generator) WeightBytes(int dimension, FlowOptions flow, EnergyOptions energy, int elementSize = sizeof(float)) =>
        (energy.ValueCount(dimension, flow) * elementSize, flow.ValueCount(dimension) * elementSize);

    /// <summary>
    /// Why a float32 model of this shape over <paramref name="dimension"/> features is over the budget, or null
    /// when it is within it.
    /// </summary>
    public static string? Excess(int dimension, FlowOptions flow, EnergyOptions energy)
    {
        var (energyBytes, generatorBytes) = WeightBytes(dimension, flow, energy);
        long bytes = energyBytes + generatorBytes;
        if (bytes <= MaxWeightBytes) return null;
        var invariant = CultureInfo.InvariantCulture;
        return string.Format(invariant, "a model of {0} feature{1} with FlowBlocks = {2}, FlowHiddenWidth = {3} and EnergyHiddenSizes = [{4}] " +
            "holds {5:N0} weights ({6:F1} MiB); at most {7} MiB ({8:N0} weights) load within 1 s and 500 MB. Lower FlowBlocks, " +
            "FlowHiddenWidth or EnergyHiddenSizes, or reduce the features (each flow block holds 3 d² weights for d features)",
            dimension, dimension == 1 ? "" : "s", flow.Blocks, flow.HiddenWidth, string.Join(", ", energy.HiddenSizes),
            bytes / sizeof(float), bytes / 1048576.0, MaxWeightBytes >> 20, MaxWeightBytes / sizeof(float));
    }
}
