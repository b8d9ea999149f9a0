using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// What it takes to rebuild a model's modules before loading their weights: the flow's full shape and seed (the
/// seed fixes the module structure's initial values, which the weights then replace), the energy's kind and sizes,
/// the dtype, and the tilted energy's tail weight (absent, so 0, in files written before the tail existed). It is read from the fitted modules themselves, so it cannot disagree with the weights.
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
    double TailWeight = 0)
{
    /// <summary>The architecture of a fitted model.</summary>
    public static ModelArchitecture Of(EnergyModel model)
    {
        var flow = model.Generator.Options;
        var energy = model.Energy.Options;
        return new ModelArchitecture(flow.Kind, flow.Blocks, flow.HiddenWidth, flow.HiddenLayers, flow.SplineBins, flow.SplineBound,
            flow.LogScaleBound, model.Generator.Seed, energy.Kind, energy.HiddenSizes, energy.TiltBound, energy.Confinement,
            model.Generator.parameters().First().dtype.ToString(), energy.TailWeight);
    }

    /// <summary>Most flow blocks a model may have (the bound of <see cref="EnergyModelOptions.FlowBlocks"/>).</summary>
    public const int MaximumFlowBlocks = 64;

    /// <summary>Widest hidden layer a model may have (flow conditioners and energy alike).</summary>
    public const int MaximumWidth = 4096;

    /// <summary>Most hidden layers of the energy network.</summary>
    public const int MaximumEnergyLayers = 16;

    /// <summary>Largest tilt bound in nats (exp of it must stay far from overflow in the log Z estimator).</summary>
    public const double MaximumTiltBound = 50;

    /// <summary>
    /// A lower bound on the bytes of weight values the two entries need for <paramref name="dimension"/> features,
    /// computed from the architecture alone (each flow block's invertible linear holds two d x d triangles, each
    /// coupling conditioner its hidden layers; the energy its MLP), so a file that declares a huge model in a small
    /// file is refused before any module is built.
    /// </summary>
    public (double Energy, double Generator) MinimumWeightBytes(int dimension)
    {
        double element = ScalarDType == ScalarType.Float64 ? 8 : 4;
        double d = dimension;
        double conditioner = FlowHiddenLayers > 0 ? Math.Floor(d / 2) * FlowHiddenWidth + (FlowHiddenLayers - 1.0) * FlowHiddenWidth * FlowHiddenWidth : 0;
        double generator = FlowBlocks * (2 * d * d + conditioner);
        double energy = 0, previous = d;
        foreach (int width in EnergyHiddenSizes)
        {
            energy += previous * width;
            previous = width;
        }
        return (energy * element, generator * element);
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
        if (EnergyHiddenSizes.Count > MaximumEnergyLayers || EnergyHiddenSizes.Any(w => w > MaximumWidth))
        {
            throw Invalid($"the energy must have at most {MaximumEnergyLayers} hidden layers of widths in [1, {MaximumWidth}]");
        }
        if (FlowBlocks > MaximumFlowBlocks || FlowHiddenWidth > MaximumWidth || FlowHiddenLayers > 16 || SplineBins > 1024)
        {
            throw Invalid($"the flow is implausibly large (at most {MaximumFlowBlocks} blocks, conditioners of at most 16 layers of width {MaximumWidth}, 1024 spline bins)");
        }
        if (!(TiltBound <= MaximumTiltBound)) throw Invalid($"the tilt bound must be at most {MaximumTiltBound}");
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

    /// <summary>Fresh modules of this architecture for <paramref name="dimension"/> features, in its dtype (call outside any dispose scope).</summary>
    public (EnergyFunction Energy, NormalizingFlow Generator) Build(int dimension)
    {
        var generator = NormalizingFlow.Create(dimension, Flow, FlowSeed);
        generator.to(ScalarDType);
        // The initial values are overwritten by the saved weights; a fixed generator keeps torch's global one untouched.
        using var initialization = new Generator(0);
        return (Energy.Create(generator, initialization), generator);
    }

    private static InvalidDataException Invalid(string problem) => new($"The manifest's model architecture is invalid: {problem}.");
}
