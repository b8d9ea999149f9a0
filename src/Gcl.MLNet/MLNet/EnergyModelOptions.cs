using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;

namespace Gcl.MLNet.MLNet;

/// <summary>
/// Settings of the energy-model estimator: network sizes, training budgets and rates, stabilizers, the
/// partition-function sample count, the anomaly threshold, the seed. Every setting has a default chosen by the
/// experiments in docs/experiments.md; <see cref="Validate"/> names the setting at fault.
/// </summary>
public sealed class EnergyModelOptions
{
    /// <summary>How the energy is parameterized.</summary>
    /// <value>Default <see cref="EnergyNetworkKind.TiltedFlow"/>.</value>
    public EnergyNetworkKind EnergyNetwork { get; init; } = EnergyNetworkKind.TiltedFlow;

    /// <summary>Hidden widths of the energy network (the tilt network for <see cref="EnergyNetworkKind.TiltedFlow"/>).</summary>
    /// <value>Default 64, 64.</value>
    public IReadOnlyList<int> EnergyHiddenSizes { get; init; } = new[] { 64, 64 };

    /// <summary>Largest |h| in nats for the tilted energy: how far the model may move from the warm-started flow.</summary>
    /// <value>Default 3.</value>
    public double TiltBound { get; init; } = 3;

    /// <summary>Weight of the quadratic confinement of the free-form MLP energy.</summary>
    /// <value>Default 0.01.</value>
    public double Confinement { get; init; } = 0.01;

    /// <summary>The coupling layer of the flow generator.</summary>
    /// <value>Default <see cref="FlowLayerKind.AffineCoupling"/>.</value>
    public FlowLayerKind FlowLayer { get; init; } = FlowLayerKind.AffineCoupling;

    /// <summary>Number of flow blocks (ActNorm, invertible linear, coupling).</summary>
    /// <value>Default 4.</value>
    public int FlowBlocks { get; init; } = 4;

    /// <summary>Width of the hidden layers of each coupling's conditioner.</summary>
    /// <value>Default 64.</value>
    public int FlowHiddenWidth { get; init; } = 64;

    /// <summary>Epoch budget of the maximum-likelihood warm start of the flow.</summary>
    /// <value>Default 200 (early stopping usually ends it sooner).</value>
    public int WarmStartEpochs { get; init; } = 200;

    /// <summary>Iteration budget of the adversarial stage (one discriminator and one generator step each).</summary>
    /// <value>Default 2000 (early stopping usually ends it sooner).</value>
    public int AdversarialIterations { get; init; } = 2000;

    /// <summary>Rows per mini-batch (data and generator batches alike), at least 2.</summary>
    /// <value>Default 256.</value>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam learning rate of the warm start.</summary>
    /// <value>Default 1e-3.</value>
    public double WarmStartLearningRate { get; init; } = 1e-3;

    /// <summary>Adam learning rate of the energy (discriminator).</summary>
    /// <value>Default 3e-3.</value>
    public double EnergyLearningRate { get; init; } = 3e-3;

    /// <summary>Adam learning rate of the generator in the adversarial stage.</summary>
    /// <value>Default 5e-5.</value>
    public double GeneratorLearningRate { get; init; } = 5e-5;

    /// <summary>Weight of the energy-magnitude penalty mean(h²).</summary>
    /// <value>Default 1e-2.</value>
    public double EnergyPenalty { get; init; } = 1e-2;

    /// <summary>Largest gradient norm per optimizer step.</summary>
    /// <value>Default 10.</value>
    public double GradientClip { get; init; } = 10;

    /// <summary>Fraction of the training rows held out for early stopping and model selection.</summary>
    /// <value>Default 0.1.</value>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Importance samples for the final log Z estimate.</summary>
    /// <value>Default 100 000.</value>
    public int PartitionSamples { get; init; } = 100_000;

    /// <summary>Expected fraction of anomalies: PredictedLabel is true above the (1 - Contamination) quantile of training scores.</summary>
    /// <value>Default 0.05.</value>
    public double Contamination { get; init; } = 0.05;

    /// <summary>Seed of every random choice (initial weights, validation split, shuffling, sampling); null draws one from the MLContext's random source.</summary>
    /// <value>Default null.</value>
    public int? Seed { get; init; }

    /// <summary>Threads torch may use inside one operation (a process-wide setting, applied by <c>Fit</c>); null keeps torch's setting.</summary>
    /// <value>Default null.</value>
    public int? Threads { get; init; }

    /// <summary>
    /// Rows whose features hold NaN or infinity. <see cref="InvalidRowHandling.Reject"/>: <c>Fit</c> fails naming the
    /// row and feature, and so does scoring such a row. <see cref="InvalidRowHandling.Skip"/>: <c>Fit</c> leaves such rows
    /// out (counted in <c>TrainingSummary.SkippedRows</c> and logged), and scoring gives them NaN Energy, LogDensity and
    /// Score and a false PredictedLabel. A feature vector of the wrong length is always an error.
    /// </summary>
    /// <value>Default <see cref="InvalidRowHandling.Reject"/>.</value>
    public InvalidRowHandling InvalidRows { get; init; } = InvalidRowHandling.Reject;

    /// <summary>Receives progress reports during <c>Fit</c> (they also go to the MLContext log).</summary>
    /// <value>Default null.</value>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public void Validate()
    {
        if (EnergyHiddenSizes is null || EnergyHiddenSizes.Count == 0 || EnergyHiddenSizes.Any(w => w <= 0))
            throw Invalid(nameof(EnergyHiddenSizes), EnergyHiddenSizes, "must list one or more positive widths");
        Positive(nameof(TiltBound), TiltBound);
        if (!(Confinement >= 0) || double.IsInfinity(Confinement)) throw Invalid(nameof(Confinement), Confinement, "must be a finite number >= 0");
        Positive(nameof(FlowBlocks), FlowBlocks);
        Positive(nameof(FlowHiddenWidth), FlowHiddenWidth);
        if (WarmStartEpochs < 0) throw Invalid(nameof(WarmStartEpochs), WarmStartEpochs, "must be >= 0");
        if (AdversarialIterations < 0) throw Invalid(nameof(AdversarialIterations), AdversarialIterations, "must be >= 0");
        if (BatchSize < 2) throw Invalid(nameof(BatchSize), BatchSize, "must be at least 2");
        Positive(nameof(WarmStartLearningRate), WarmStartLearningRate);
        Positive(nameof(EnergyLearningRate), EnergyLearningRate);
        Positive(nameof(GeneratorLearningRate), GeneratorLearningRate);
        if (!(EnergyPenalty >= 0) || double.IsInfinity(EnergyPenalty)) throw Invalid(nameof(EnergyPenalty), EnergyPenalty, "must be a finite number >= 0");
        Positive(nameof(GradientClip), GradientClip);
        if (!(ValidationFraction > 0 && ValidationFraction < 0.5)) throw Invalid(nameof(ValidationFraction), ValidationFraction, "must be in (0, 0.5)");
        if (PartitionSamples < 1000) throw Invalid(nameof(PartitionSamples), PartitionSamples, "must be at least 1000");
        if (!(Contamination > 0 && Contamination < 0.5)) throw Invalid(nameof(Contamination), Contamination, "must be in (0, 0.5)");
        if (Threads is <= 0) throw Invalid(nameof(Threads), Threads, "must be positive or null");
    }

    /// <summary>The core's view of these options, with the seed resolved.</summary>
    internal TrainingSettings ToSettings(long seed) => new(
        new FlowOptions(FlowLayer, FlowBlocks, FlowHiddenWidth),
        new MaximumLikelihoodOptions(MaxEpochs: Math.Max(1, WarmStartEpochs), LearningRate: WarmStartLearningRate, GradientClipNorm: GradientClip),
        EnergyNetwork,
        EnergyHiddenSizes.ToArray(),
        TiltBound,
        Confinement,
        new AdversarialOptions
        {
            Iterations = AdversarialIterations,
            BatchSize = BatchSize,
            EnergyLearningRate = EnergyLearningRate,
            GeneratorLearningRate = GeneratorLearningRate,
            EnergyPenalty = EnergyPenalty,
            GradientClip = GradientClip,
        },
        PartitionSamples,
        Contamination,
        seed);

    private static void Positive(string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw Invalid(name, value, "must be a finite number > 0");
    }

    private static ArgumentOutOfRangeException Invalid(string name, object? value, string rule) =>
        new(name, value, $"EnergyModelOptions.{name} {rule}; got {Format(value)}.");

    private static string Format(object? value) => value switch
    {
        null => "null",
        IEnumerable<int> widths => "[" + string.Join(", ", widths) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };
}
