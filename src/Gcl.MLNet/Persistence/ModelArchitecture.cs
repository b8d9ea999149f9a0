using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// What it takes to rebuild a model's modules before loading their weights: the flow's full shape and seed (the
/// seed fixes the module structure's initial values, which the weights then replace), the energy's kind and sizes,
/// the dtype, the tilted energy's tail weight (absent, so 0, in files written before the tail existed) and the kernel
/// term's centers, bandwidth, weight and log scale (absent, so no kernel, in files written before it existed; see
/// <see cref="KernelMixtureEnergy"/>). It is read from the fitted modules themselves, so it cannot disagree with the weights.
/// </summary>
internal sealed record ModelArchitecture(
    FlowLayerKind FlowLayer,
    int FlowBlocks,
    int FlowHiddenWidth,
    int FlowHiddenLayers,
    int SplineBins,
    double SplineBound,
    double LogScaleBound,
    long FlowSeed,
    EnergyNetworkKind EnergyNetwork,
    IReadOnlyList<int> EnergyHiddenSizes,
    double TiltBound,
    double Confinement,
    string DType,
    double TailWeight = 0,
    int KernelCenters = 0,
    double KernelBandwidth = 0,
    double KernelWeight = 0,
    double KernelLogScale = 0)
{
    /// <summary>Kernel bandwidths in standardized units lie within these (the validation grid spans about 0.003 to 2); a bandwidth near 0 would turn a distance of 0 into NaN.</summary>
    public const double MinimumKernelBandwidth = 1e-4, MaximumKernelBandwidth = 1000;

    /// <summary>Largest |log scale| of a kernel term (log Z of a standardized model is within a few hundred nats).</summary>
    public const double MaximumKernelLogScale = 1e6;

    /// <summary>The architecture of a fitted model.</summary>
    public static ModelArchitecture Of(EnergyModel model)
    {
        var flow = model.Generator.Options;
        var energy = model.Energy.Options;
        var kernel = model.Energy as KernelMixtureEnergy;
        return new ModelArchitecture(flow.Kind, flow.Blocks, flow.HiddenWidth, flow.HiddenLayers, flow.SplineBins, flow.SplineBound,
            flow.LogScaleBound, model.Generator.Seed, energy.Kind, energy.HiddenSizes, energy.TiltBound, energy.Confinement,
            model.Generator.parameters().First().dtype.ToString(), energy.TailWeight,
            kernel?.CenterCount ?? 0, kernel?.Bandwidth ?? 0, kernel?.Weight ?? 0, kernel?.LogScale ?? 0);
    }

    /// <summary>
    /// The bytes of weight values the two entries hold for <paramref name="dimension"/> features, computed from the
    /// architecture alone (each entry adds only its tensor names and shapes), so a file that declares a huge model in
    /// a small file is refused before any module is built.
    /// </summary>
    public (long Energy, long Generator) WeightBytes(int dimension)
    {
        int elementSize = ScalarDType == ScalarType.Float64 ? sizeof(double) : sizeof(float);
        var (energy, generator) = ModelSizeBounds.WeightBytes(dimension, Flow, Energy, elementSize);
        return (energy + (long)Math.Max(KernelCenters, 0) * dimension * elementSize, generator);
    }

    /// <summary>The flow options.</summary>
    public FlowOptions Flow => new(FlowLayer, FlowBlocks, FlowHiddenWidth, FlowHiddenLayers, SplineBins, SplineBound, LogScaleBound);

    /// <summary>The energy options.</summary>
    public EnergyOptions Energy => new(EnergyNetwork, EnergyHiddenSizes, TiltBound, Confinement, TailWeight);

    /// <summary>Checks every value, so that building cannot fail deep inside TorchSharp.</summary>
    /// <exception cref="InvalidDataException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        try
        {
            Flow.Validate();
            Energy.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"The manifest's model architecture is invalid: {e.Message}", e);
        }
        if (EnergyHiddenSizes.Count > ModelSizeBounds.MaxEnergyLayers || EnergyHiddenSizes.Any(w => w > ModelSizeBounds.MaxWidth))
        {
            throw Invalid($"the energy must have at most {ModelSizeBounds.MaxEnergyLayers} hidden layers of widths in [1, {ModelSizeBounds.MaxWidth}]");
        }
        if (FlowBlocks > ModelSizeBounds.MaxFlowBlocks || FlowHiddenWidth > ModelSizeBounds.MaxWidth || FlowHiddenLayers > 16 || SplineBins > 1024)
        {
            throw Invalid($"the flow is implausibly large (at most {ModelSizeBounds.MaxFlowBlocks} blocks, conditioners of at most 16 layers of width {ModelSizeBounds.MaxWidth}, 1024 spline bins)");
        }
        if (!(TiltBound <= ModelSizeBounds.MaxTiltBound)) throw Invalid($"the tilt bound must be at most {ModelSizeBounds.MaxTiltBound}");
        if (KernelCenters != 0)
        {
            if (KernelCenters < 2 || KernelCenters > ModelSizeBounds.MaxKernelCenters) throw Invalid($"a kernel term must have 2 to {ModelSizeBounds.MaxKernelCenters} centers");
            if (!(KernelBandwidth >= MinimumKernelBandwidth && KernelBandwidth <= MaximumKernelBandwidth)) throw Invalid($"the kernel bandwidth must be in [{MinimumKernelBandwidth}, {MaximumKernelBandwidth}]");
            if (!(KernelWeight > 0 && KernelWeight < 1)) throw Invalid("the kernel weight must be in (0, 1)");
            if (!(Math.Abs(KernelLogScale) <= MaximumKernelLogScale)) throw Invalid($"the kernel log scale must be finite, at most {MaximumKernelLogScale} in size");
        }
        _ = ScalarDType;
    }

    /// <summary>The dtype as a TorchSharp scalar type (float32 or float64 only).</summary>
    /// <exception cref="InvalidDataException">Any other dtype.</exception>
    public ScalarType ScalarDType => DType switch
    {
        nameof(ScalarType.Float32) => ScalarType.Float32,
        nameof(ScalarType.Float64) => ScalarType.Float64,
        _ => throw Invalid($"dtype '{DType}' is not Float32 or Float64"),
    };

    /// <summary>
    /// Modules of this architecture for <paramref name="dimension"/> features, in its dtype, for the saved weights to
    /// fill: blank flows (<see cref="NormalizingFlow.Blank"/>), so the build costs allocation, not initialization
    /// (call outside any dispose scope).
    /// </summary>
    public (EnergyFunction Energy, NormalizingFlow Generator) Build(int dimension)
    {
        var generator = NormalizingFlow.Blank(dimension, Flow, FlowSeed);
        generator.to(ScalarDType);
        // The initial values are overwritten by the saved weights; a fixed generator keeps torch's global one untouched.
        using var initialization = new Generator(0);
        var energy = Energy.Create(generator, initialization, blank: true);
        if (KernelCenters == 0) return (energy, generator);
        using var blankCenters = zeros(new long[] { KernelCenters, dimension }, ScalarDType);
        return (new KernelMixtureEnergy(energy, blankCenters, KernelBandwidth, KernelWeight, KernelLogScale), generator);
    }

    private static InvalidDataException Invalid(string problem) => new($"The manifest's model architecture is invalid: {problem}.");
}
