using System.CommandLine;

namespace Gcl.MLNet.Tool;

/// <summary>
/// One command-line option per <see cref="EnergyModelOptions"/> setting (kebab-case of the property name), each
/// left at the library's default unless given. A test checks that no setting lacks its option.
/// </summary>
internal sealed class TrainingOptions
{
    private static readonly EnergyModelOptions Defaults = new();

    public Option<EnergyNetworkKind?> EnergyNetwork { get; } = New<EnergyNetworkKind?>("--energy-network", $"TiltedFlow or Mlp (the paper's free-form energy); default {Defaults.EnergyNetwork}");
    public Option<string?> EnergyHiddenSizes { get; } = New<string?>("--energy-hidden-sizes", $"hidden widths of the energy network, comma-separated; default {string.Join(',', Defaults.EnergyHiddenSizes)}", "N,N");
    public Option<double?> TiltBound { get; } = New<double?>("--tilt-bound", $"largest tilt in nats (TiltedFlow); default {Defaults.TiltBound}");
    public Option<double?> TailWeight { get; } = New<double?>("--tail-weight", $"weight of the heavy tail in the tilted energy's base density (0: none); default {Defaults.TailWeight}");
    public Option<double?> TrainingNoise { get; } = New<double?>("--training-noise", $"noise added in training to features with repeated values, standardized units (0: none); default {EnergyModelOptions.DensityTrainingNoise}");
    public Option<double?> Confinement { get; } = New<double?>("--confinement", $"quadratic confinement weight (Mlp energy); default {Defaults.Confinement}");
    public Option<FlowLayerKind?> FlowLayer { get; } = New<FlowLayerKind?>("--flow-layer", $"AffineCoupling or RationalQuadraticSpline; default {Defaults.FlowLayer}");
    public Option<int?> FlowBlocks { get; } = New<int?>("--flow-blocks", $"flow blocks; default {Defaults.FlowBlocks}");
    public Option<int?> FlowHiddenWidth { get; } = New<int?>("--flow-hidden-width", $"width of each coupling's conditioner; default {Defaults.FlowHiddenWidth}");
    public Option<int?> WarmStartSteps { get; } = New<int?>("--warm-start-steps", $"optimizer-step budget of the flow's maximum-likelihood warm start; default {Defaults.WarmStartSteps}");
    public Option<int?> AdversarialIterations { get; } = New<int?>("--adversarial-iterations", $"iteration budget of the adversarial stage (0: the warm-started flow alone, which ranks anomalies as well in about a third of the time); default {EnergyModelOptions.DensityAdversarialIterations}");
    public Option<int?> KernelCenters { get; } = New<int?>("--kernel-centers", $"training rows kept as centers of the kernel term mixed into the density when validation keeps it (0: none); default {EnergyModelOptions.DensityKernelCenters}");
    public Option<int?> BatchSize { get; } = New<int?>("--batch-size", $"rows per mini-batch of the warm start; default {Defaults.BatchSize}");
    public Option<int?> AdversarialBatchSize { get; } = New<int?>("--adversarial-batch-size", $"rows per data and generator batch of the adversarial stage; default {Defaults.AdversarialBatchSize}");
    public Option<double?> WarmStartLearningRate { get; } = New<double?>("--warm-start-learning-rate", $"default {Defaults.WarmStartLearningRate}");
    public Option<double?> EnergyLearningRate { get; } = New<double?>("--energy-learning-rate", $"default {Defaults.EnergyLearningRate}");
    public Option<double?> GeneratorLearningRate { get; } = New<double?>("--generator-learning-rate", $"default {Defaults.GeneratorLearningRate}");
    public Option<double?> EnergyPenalty { get; } = New<double?>("--energy-penalty", $"weight of the energy-magnitude penalty; default {Defaults.EnergyPenalty}");
    public Option<double?> GradientClip { get; } = New<double?>("--gradient-clip", $"largest gradient norm per step; default {Defaults.GradientClip}");
    public Option<double?> ValidationFraction { get; } = New<double?>("--validation-fraction", $"rows held out for early stopping; default {Defaults.ValidationFraction}");
    public Option<int?> PartitionSamples { get; } = New<int?>("--partition-samples", $"importance samples for the final log Z; default {Defaults.PartitionSamples}");
    public Option<double?> Contamination { get; } = New<double?>("--contamination", $"expected anomaly fraction (sets the PredictedLabel threshold); default {Defaults.Contamination}");
    public Option<int?> Seed { get; } = New<int?>("--seed", "seed of every random choice; default: drawn from an ML.NET context seeded 1, so runs repeat");
    public Option<int?> Threads { get; } = New<int?>("--threads", "torch threads inside one operation; default 1");
    public Option<double?> TimeBudget { get; } = New<double?>("--time-budget", "seconds training may take; when they run out, the best state so far is kept; default: no limit", "SECONDS");

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All => [EnergyNetwork, EnergyHiddenSizes, TiltBound, TailWeight, TrainingNoise, Confinement, FlowLayer, FlowBlocks, FlowHiddenWidth,
        WarmStartSteps, AdversarialIterations, KernelCenters, BatchSize, AdversarialBatchSize, WarmStartLearningRate, EnergyLearningRate, GeneratorLearningRate,
        EnergyPenalty, GradientClip, ValidationFraction, PartitionSamples, Contamination, Seed, Threads, TimeBudget];

    /// <summary>The options of one run; <paramref name="invalidRows"/> and <paramref name="progress"/> come from elsewhere.</summary>
    /// <exception cref="UsageException">A value is out of range (the library's <see cref="EnergyModelOptions.Validate"/> says which).</exception>
    public EnergyModelOptions Read(ParseResult r, InvalidRowHandling invalidRows, IProgress<TrainingProgress>? progress)
    {
        var options = new EnergyModelOptions
        {
            EnergyNetwork = r.GetValue(EnergyNetwork) ?? Defaults.EnergyNetwork,
            EnergyHiddenSizes = Sizes(r.GetValue(EnergyHiddenSizes)) ?? Defaults.EnergyHiddenSizes,
            TiltBound = r.GetValue(TiltBound) ?? Defaults.TiltBound,
            TailWeight = r.GetValue(TailWeight) ?? Defaults.TailWeight,
            TrainingNoise = r.GetValue(TrainingNoise),
            Confinement = r.GetValue(Confinement) ?? Defaults.Confinement,
            FlowLayer = r.GetValue(FlowLayer) ?? Defaults.FlowLayer,
            FlowBlocks = r.GetValue(FlowBlocks) ?? Defaults.FlowBlocks,
            FlowHiddenWidth = r.GetValue(FlowHiddenWidth) ?? Defaults.FlowHiddenWidth,
            WarmStartSteps = r.GetValue(WarmStartSteps) ?? Defaults.WarmStartSteps,
            AdversarialIterations = r.GetValue(AdversarialIterations),
            KernelCenters = r.GetValue(KernelCenters),
            BatchSize = r.GetValue(BatchSize) ?? Defaults.BatchSize,
            AdversarialBatchSize = r.GetValue(AdversarialBatchSize) ?? Defaults.AdversarialBatchSize,
            WarmStartLearningRate = r.GetValue(WarmStartLearningRate) ?? Defaults.WarmStartLearningRate,
            EnergyLearningRate = r.GetValue(EnergyLearningRate) ?? Defaults.EnergyLearningRate,
            GeneratorLearningRate = r.GetValue(GeneratorLearningRate) ?? Defaults.GeneratorLearningRate,
            EnergyPenalty = r.GetValue(EnergyPenalty) ?? Defaults.EnergyPenalty,
            GradientClip = r.GetValue(GradientClip) ?? Defaults.GradientClip,
            ValidationFraction = r.GetValue(ValidationFraction) ?? Defaults.ValidationFraction,
            PartitionSamples = r.GetValue(PartitionSamples) ?? Defaults.PartitionSamples,
            Contamination = r.GetValue(Contamination) ?? Defaults.Contamination,
            Seed = r.GetValue(Seed),
            Threads = r.GetValue(Threads),
            TimeBudget = r.GetValue(TimeBudget) is double seconds ? TimeSpan.FromSeconds(seconds) : null,
            InvalidRows = invalidRows,
            Progress = progress,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UsageException(GclApp.OneLine(e.Message));
        }
        return options;
    }

    private static Option<T> New<T>(string name, string description, string? helpName = null) =>
        new(name) { Description = description, HelpName = helpName };

    private static int[]? Sizes(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var sizes = parts.Select(p => int.TryParse(p, out int n) && n > 0 ? n : -1).ToArray();
        return sizes.Length > 0 && sizes.All(s => s > 0) ? sizes
            : throw new UsageException($"--energy-hidden-sizes must be positive whole numbers separated by commas, such as 64,64, not '{text}'.");
    }
}
