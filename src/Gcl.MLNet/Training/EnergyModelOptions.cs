using Gcl.MLNet.Common;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;

namespace Gcl.MLNet;

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

    /// <summary>
    /// Hidden widths of the energy network (the tilt network for <see cref="EnergyNetworkKind.TiltedFlow"/>): 1 to 8
    /// widths in [1, 1024]. The whole model holds at most 64 MiB of weights (16,777,216 float32 values); <c>Fit</c>
    /// checks it for the feature count and says what to lower.
    /// </summary>
    /// <value>Default 64, 64.</value>
    public IReadOnlyList<int> EnergyHiddenSizes { get; init; } = new[] { 64, 64 };

    /// <summary>Largest |h| in nats for the tilted energy: how far the model may move from the warm-started flow; in (0, 50].</summary>
    /// <value>Default 3.</value>
    public double TiltBound { get; init; } = 3;

    /// <summary>
    /// Weight eps of the heavy tail in the tilted energy's base density <c>(1 - eps) q_ref + eps T</c>, T the
    /// multivariate Cauchy in standardized units; in [0, 0.5], 0 for none. It bounds how far a row outside the data
    /// can fall: its log-density stays above <c>log eps + log T(u) - TiltBound</c>, which decreases like
    /// <c>-(d + 1) log |u|</c> instead of the flow's <c>-|u|²/2</c>.
    /// </summary>
    /// <value>Default 0.01.</value>
    public double TailWeight { get; init; } = 0.01;

    /// <summary>
    /// Standard deviation of the Gaussian noise added, in every training batch, to the features with repeated values:
    /// those where at least 10% of the training rows share the feature's minimum or its maximum (constant columns,
    /// zero counts, zero-inflated measurements, saturated or blank pixels). In standardized units (the feature's
    /// standard deviation is 1), in [0, 1]; 0 for none. Without it the flow collapses onto the repeated value, and how
    /// many such values a row has decides its ranking. Other features, validation and scoring use the rows as they are.
    /// Null lets the entry point choose: 0.05 for a density estimator, which keeps most of the repeated value's
    /// probability as density there; 0.5 for an anomaly detector, for which the repeated values are a nuisance that
    /// outweighs everything else in a row's score (docs/experiments.md, section 11).
    /// </summary>
    /// <value>Default null (0.05 for density, 0.5 for anomaly detection).</value>
    public double? TrainingNoise { get; init; }

    /// <summary>The training noise a density estimator uses when <see cref="TrainingNoise"/> is null: 0.05.</summary>
    public static double DensityTrainingNoise => 0.05;

    /// <summary>The training noise an anomaly detector uses when <see cref="TrainingNoise"/> is null: 0.5.</summary>
    public static double AnomalyTrainingNoise => 0.5;

    /// <summary>
    /// Training rows kept as the centers of the kernel term, in [0, 65 536]; 0 for none. After log Z is estimated, the
    /// model becomes the mixture (1 - w) exp(-E) / Z + w K of the energy model and a Gaussian kernel density K over these
    /// rows, with the bandwidth and w chosen by validation log-likelihood; the kernel is dropped when it gains under 0.01
    /// nats per validation row. It captures clusters and discrete values a flow smooths over (letter: -11.2 nats against
    /// -12.4 without it and -11.65 for scikit-learn's KDE; docs/experiments.md, section 12). The centers are stored in
    /// the model (capped by the weight budget), and each scored row costs a pass over them. A row is scored without the
    /// centers it coincides with, so a training row scores as a held-out row would (leave-one-out). Null lets the entry
    /// point choose: 16 384 for a density estimator, 0 for an anomaly detector (measured, the kernel lowered ranking on
    /// wine, glass, pima and the digits).
    /// </summary>
    /// <value>Default null (16 384 for density, 0 for anomaly detection).</value>
    public int? KernelCenters { get; init; }

    /// <summary>The kernel centers a density estimator keeps when <see cref="KernelCenters"/> is null: 16 384.</summary>
    public static int DensityKernelCenters => 16_384;

    /// <summary>Weight of the quadratic confinement of the free-form MLP energy.</summary>
    /// <value>Default 0.01.</value>
    public double Confinement { get; init; } = 0.01;

    /// <summary>The coupling layer of the flow generator.</summary>
    /// <value>Default <see cref="FlowLayerKind.AffineCoupling"/>.</value>
    public FlowLayerKind FlowLayer { get; init; } = FlowOptions.Default.Kind;

    /// <summary>Number of flow blocks (ActNorm, invertible linear, coupling), in [1, 8]. Each holds 3d² + O(d) weights for d features.</summary>
    /// <value>Default 4.</value>
    public int FlowBlocks { get; init; } = FlowOptions.Default.Blocks;

    /// <summary>Width of the hidden layers of each coupling's conditioner, in [1, 1024].</summary>
    /// <value>Default 64.</value>
    public int FlowHiddenWidth { get; init; } = FlowOptions.Default.HiddenWidth;

    /// <summary>
    /// Optimizer-step budget of the maximum-likelihood warm start of the flow (one step = one batch), whatever the
    /// number of rows: validation is scored once per pass over the rows (but every 25 to 250 steps) and the warm start
    /// stops after 8 scores without improvement.
    /// </summary>
    /// <value>Default 5000 (early stopping ends it after a few hundred steps on small data).</value>
    public int WarmStartSteps { get; init; } = MaximumLikelihoodOptions.Default.MaxSteps;

    /// <summary>
    /// Iteration budget of the adversarial stage (one discriminator and one generator step each): validation is scored
    /// every 50 iterations (log Z re-estimated each time) and the stage stops after 4 scores without improvement. 0 fits
    /// the warm-started flow alone (the model is then its base density, whose log Z is 0; the estimate is reported as
    /// usual). Null lets the entry point choose: 300 for a density estimator (<c>mlContext.Transforms.EnergyModel</c>),
    /// 0 for an anomaly detector (<c>mlContext.AnomalyDetection.Trainers.EnergyModel</c>). Measured on the development
    /// sets and on held-back ones, the adversarial stage buys held-out density but not anomaly ranking, at most of the
    /// fit time (docs/experiments.md, sections 11 and 13).
    /// </summary>
    /// <value>Default null (300 for density, 0 for anomaly detection).</value>
    public int? AdversarialIterations { get; init; }

    /// <summary>The adversarial budget a density estimator uses when <see cref="AdversarialIterations"/> is null: 300.</summary>
    public static int DensityAdversarialIterations => AdversarialOptions.Default.Iterations;

    /// <summary>Rows per mini-batch of the maximum-likelihood warm start, in [2, 65 536].</summary>
    /// <value>Default 256.</value>
    public int BatchSize { get; init; } = WarmStartBatchSize;

    /// <summary>Rows per data batch and per generator batch of the adversarial stage, in [2, 65 536].</summary>
    /// <value>Default 1024.</value>
    public int AdversarialBatchSize { get; init; } = AdversarialOptions.Default.BatchSize;

    /// <summary>Adam learning rate of the warm start.</summary>
    /// <value>Default 1e-3.</value>
    public double WarmStartLearningRate { get; init; } = MaximumLikelihoodOptions.Default.LearningRate;

    /// <summary>Adam learning rate of the energy (discriminator).</summary>
    /// <value>Default 1e-2.</value>
    public double EnergyLearningRate { get; init; } = AdversarialOptions.Default.EnergyLearningRate;

    /// <summary>Adam learning rate of the generator in the adversarial stage.</summary>
    /// <value>Default 5e-5.</value>
    public double GeneratorLearningRate { get; init; } = AdversarialOptions.Default.GeneratorLearningRate;

    /// <summary>Weight of the energy-magnitude penalty mean(h²).</summary>
    /// <value>Default 1e-2.</value>
    public double EnergyPenalty { get; init; } = AdversarialOptions.Default.EnergyPenalty;

    /// <summary>Largest gradient norm per optimizer step.</summary>
    /// <value>Default 10.</value>
    public double GradientClip { get; init; } = AdversarialOptions.Default.GradientClip;

    /// <summary>Fraction of the training rows held out for early stopping and model selection.</summary>
    /// <value>Default 0.1.</value>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Importance samples for the final log Z estimate, in [1000, 10 000 000].</summary>
    /// <value>Default 100 000.</value>
    public int PartitionSamples { get; init; } = 100_000;

    /// <summary>Expected fraction of anomalies: PredictedLabel is true above the (1 - Contamination) quantile of training scores.</summary>
    /// <value>Default 0.05.</value>
    public double Contamination { get; init; } = 0.05;

    /// <summary>Seed of every random choice (initial weights, validation split, shuffling, sampling); null draws one from the MLContext's random source.</summary>
    /// <value>Default null.</value>
    public int? Seed { get; init; }

    /// <summary>
    /// Threads torch may use inside one operation, a process-wide setting applied by <c>Fit</c>. In [1, 1024]; null means one: the
    /// networks are small, and more threads spin-wait against each other (and against any other work) on busy cores.
    /// </summary>
    /// <value>Default null (one thread).</value>
    public int? Threads { get; init; }

    /// <summary>
    /// Wall-clock time <c>Fit</c> may spend training: when it runs out, training stops at the best state validated so
    /// far, log Z and the threshold are estimated as usual, and <see cref="TrainingSummary.TimeBudgetExhaustedIn"/>
    /// names the stage that was cut short. Null for no limit.
    /// </summary>
    /// <value>Default null.</value>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>
    /// Cancels <c>Fit</c>: it stops between two optimizer steps (within a second) and throws
    /// <see cref="OperationCanceledException"/>, freeing everything it allocated.
    /// </summary>
    /// <value>Default none.</value>
    public CancellationToken CancellationToken { get; init; }

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

    /// <summary>
    /// Checks every setting, and that the networks fit the weight budget of 64 MiB with one feature (<c>Fit</c>
    /// checks it again for the data's feature count).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range, or the networks alone exceed the budget; the message names what to lower.</exception>
    public void Validate()
    {
        // Upper bounds: each keeps a setting far from what exhausts memory or overflows. The architecture ones and the
        // weight budget come from ModelSizeBounds, which the model loader enforces too: every model a Fit produces loads.
        const int MaxEnergyLayers = ModelSizeBounds.MaxEnergyLayers, MaxWidth = ModelSizeBounds.MaxWidth, MaxFlowBlocks = ModelSizeBounds.MaxFlowBlocks,
            MaxBatchSize = 65_536, MaxPartitionSamples = 10_000_000, MaxThreads = 1024;
        const double MaxTiltBound = ModelSizeBounds.MaxTiltBound;
        Require.Defined(Owner, nameof(EnergyNetwork), EnergyNetwork);
        if (EnergyHiddenSizes is null || EnergyHiddenSizes.Count == 0 || EnergyHiddenSizes.Count > MaxEnergyLayers || EnergyHiddenSizes.Any(w => w <= 0 || w > MaxWidth))
            throw Require.Invalid(Owner, nameof(EnergyHiddenSizes), EnergyHiddenSizes, $"must list 1 to {MaxEnergyLayers} widths in [1, {MaxWidth}]");
        Require.PositiveAtMost(Owner, nameof(TiltBound), TiltBound, MaxTiltBound);
        Require.InRange(Owner, nameof(TailWeight), TailWeight, 0, EnergyOptions.MaximumTailWeight);
        Require.NonNegative(Owner, nameof(Confinement), Confinement);
        if (TrainingNoise is double noise) Require.InRange(Owner, nameof(TrainingNoise), noise, 0, 1);
        if (KernelCenters is int centers) Require.InRange(Owner, nameof(KernelCenters), centers, 0, ModelSizeBounds.MaxKernelCenters);
        Require.Defined(Owner, nameof(FlowLayer), FlowLayer);
        Require.InRange(Owner, nameof(FlowBlocks), FlowBlocks, 1, MaxFlowBlocks);
        Require.InRange(Owner, nameof(FlowHiddenWidth), FlowHiddenWidth, 1, MaxWidth);
        Require.InRange(Owner, nameof(WarmStartSteps), WarmStartSteps, 0);
        if (AdversarialIterations is int iterations) Require.InRange(Owner, nameof(AdversarialIterations), iterations, 0);
        Require.InRange(Owner, nameof(BatchSize), BatchSize, 2, MaxBatchSize);
        Require.InRange(Owner, nameof(AdversarialBatchSize), AdversarialBatchSize, 2, MaxBatchSize);
        Require.Positive(Owner, nameof(WarmStartLearningRate), WarmStartLearningRate);
        Require.Positive(Owner, nameof(EnergyLearningRate), EnergyLearningRate);
        Require.Positive(Owner, nameof(GeneratorLearningRate), GeneratorLearningRate);
        Require.NonNegative(Owner, nameof(EnergyPenalty), EnergyPenalty);
        Require.Positive(Owner, nameof(GradientClip), GradientClip);
        Require.Between(Owner, nameof(ValidationFraction), ValidationFraction, 0, 0.5);
        Require.InRange(Owner, nameof(PartitionSamples), PartitionSamples, 1000, MaxPartitionSamples);
        Require.Between(Owner, nameof(Contamination), Contamination, 0, 0.5);
        if (Threads is int threads) Require.InRange(Owner, nameof(Threads), threads, 1, MaxThreads);
        if (TimeBudget is { } budget && budget <= TimeSpan.Zero) throw Require.Invalid(Owner, nameof(TimeBudget), budget, "must be positive or null");
        Require.Defined(Owner, nameof(InvalidRows), InvalidRows);
        ValidateSize(1);
    }

    /// <summary>
    /// Throws when the model these options build for <paramref name="dimension"/> features holds more weights than
    /// any model may (<c>Fit</c> checks it once the feature count is known, before building anything).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">It does; the message gives the count, the budget and what to lower.</exception>
    internal void ValidateSize(int dimension)
    {
        var settings = ToSettings(seed: 0);
        if (ModelSizeBounds.Excess(dimension, settings.Flow, settings.Energy) is { } excess)
        {
            throw new ArgumentOutOfRangeException(Owner, $"{Owner}: {excess}.");
        }
    }

    /// <summary>The core's view of these options, with the seed and, for <paramref name="purpose"/>, the adversarial budget, the training noise and the kernel centers resolved.</summary>
    internal TrainingSettings ToSettings(long seed, FitPurpose purpose = FitPurpose.Density)
    {
        bool anomaly = purpose == FitPurpose.AnomalyDetection;
        return new(
            new FlowOptions(FlowLayer, FlowBlocks, FlowHiddenWidth),
            new MaximumLikelihoodOptions(MaxSteps: Math.Max(1, WarmStartSteps), LearningRate: WarmStartLearningRate, GradientClipNorm: GradientClip),
            new EnergyOptions(EnergyNetwork, EnergyHiddenSizes.ToArray(), TiltBound, Confinement, TailWeight),
            new AdversarialOptions
            {
                Iterations = AdversarialIterations ?? (anomaly ? 0 : DensityAdversarialIterations),
                BatchSize = AdversarialBatchSize,
                EnergyLearningRate = EnergyLearningRate,
                GeneratorLearningRate = GeneratorLearningRate,
                EnergyPenalty = EnergyPenalty,
                GradientClip = GradientClip,
            },
            PartitionSamples,
            Contamination,
            seed,
            TrainingNoise ?? (anomaly ? AnomalyTrainingNoise : DensityTrainingNoise),
            KernelCenters ?? (anomaly ? 0 : DensityKernelCenters),
            WarmStartBatchSize: BatchSize);
    }

    private const int WarmStartBatchSize = 256;
    private const string Owner = nameof(EnergyModelOptions);
}
