using System.Diagnostics;
using Gcl.MLNet.Common;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Trains an energy model from standardized rows: the flow's maximum-likelihood warm start, the
/// adversarial stage, the final unbiased log Z, the kernel term (when validation keeps it), the anomaly threshold and the training scores' quantiles. The stages, in order, are those of
/// DESIGN.md section 2.
/// </summary>
internal sealed class EnergyModelTrainer : IDisposable
{
    /// <summary>Rows per forward pass when scoring.</summary>
    private const int ScoringBatchSize = 4096;

    private readonly IBatchSource data;
    private readonly IBatchSource trainingBatches;
    private readonly double[] featureNoise;
    private readonly Tensor validation;
    private readonly Standardizer standardizer;
    private readonly TrainingSettings settings;
    private readonly Action<TrainingProgress>? progress;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly List<TrainingProgress> history = [];
    private readonly Generator random;
    private readonly TrainingLimits limits;

    private EnergyModelTrainer(IBatchSource data, Tensor validation, Standardizer standardizer, TrainingSettings settings,
        Action<TrainingProgress>? progress, TrainingLimits limits)
    {
        this.limits = limits;
        this.data = data;
        featureNoise = Enumerable.Range(0, data.Dimension).Select(j => standardizer.TiedFeatures.Contains(j) ? settings.TrainingNoise : 0).ToArray();
        trainingBatches = featureNoise.Any(s => s > 0) ? new NoisyBatchSource(data, featureNoise) : data;
        this.validation = validation;
        this.standardizer = standardizer;
        this.settings = settings;
        this.progress = progress;
        random = new Generator(unchecked((ulong)settings.Seed));
    }

    /// <summary>Runs every stage and returns what was fitted.</summary>
    /// <param name="data">Standardized training rows (the training noise is added here, to the standardizer's tied features).</param>
    /// <param name="validation">Standardized validation rows [m, d], float32.</param>
    /// <param name="standardizer">The map from raw to standardized units (kept by the model).</param>
    /// <param name="settings">What to train and how.</param>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="summaryFacts">Facts about the data the caller knows (rows, skipped rows); completed here.</param>
    /// <param name="limits">Cancellation and time budget; null for none.</param>
    /// <exception cref="OperationCanceledException">Training was cancelled; nothing it allocated is left.</exception>
    public static TrainingResult Train(IBatchSource data, Tensor validation, Standardizer standardizer, TrainingSettings settings,
        Action<TrainingProgress>? progress, TrainingDataFacts summaryFacts, TrainingLimits? limits = null)
    {
        using var run = new EnergyModelTrainer(data, validation, standardizer, settings, progress, limits ?? TrainingLimits.None);
        var generator = NormalizingFlow.Create(data.Dimension, settings.Flow, settings.Seed);
        EnergyFunction? energy = null;
        try
        {
            var warmStart = run.WarmStart(generator, summaryFacts.TrainingRows);
            energy = CreateEnergy(generator, settings);
            using var adversarial = new AdversarialTrainer(energy, generator, settings.Adversarial, run.random);
            var adversarialHistory = adversarial.Train(run.trainingBatches, validation, run.Report, run.clock, run.limits);
            var partition = run.EstimatePartition(energy, generator);
            energy = run.WithKernel(energy, partition.LogZ);
            var (scores, gaussian) = run.ScoreTrainingRows(energy, partition.LogZ - standardizer.LogDetToRaw);
            var summary = run.Summarize(summaryFacts, warmStart, adversarialHistory, adversarial.LogPartitionBias, partition, energy, gaussian);
            double threshold = scores[(int)Math.Clamp(Math.Ceiling((1 - settings.Contamination) * scores.Count) - 1, 0, scores.Count - 1)];
            return new TrainingResult(standardizer, energy, generator, threshold, TrainingScores.FromSorted(scores), summary with { Duration = run.clock.Elapsed });
        }
        catch
        {
            energy?.Dispose();
            generator.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => random.Dispose();

    private void Report(TrainingProgress report)
    {
        history.Add(report);
        progress?.Invoke(report);
    }

    // The flow's maximum-likelihood warm start; a flow that never reached a finite validation likelihood is an error.
    private MaximumLikelihoodHistory WarmStart(NormalizingFlow generator, long trainingRows)
    {
        var options = settings.WarmStart with { EvaluationInterval = WarmStartEvaluationInterval(trainingRows, settings.WarmStartRows) };
        var warmStart = new MaximumLikelihoodTrainer(options).Train(
            generator,
            () => trainingBatches.Epoch(settings.WarmStartRows, random),
            validation,
            evaluation => Report(new TrainingProgress(TrainingPhase.WarmStart, evaluation.Step, settings.WarmStart.MaxSteps, double.NaN,
                evaluation.TrainNegativeLogLikelihood, evaluation.ValidationLogLikelihood, double.NaN, clock.Elapsed)),
            limits);
        if (warmStart.Diverged && !double.IsFinite(warmStart.BestValidationLogLikelihood))
        {
            throw new InvalidOperationException(
                "The flow's maximum-likelihood warm start diverged before it reached a finite validation likelihood. " +
                "Lower WarmStartLearningRate, or check the features for extreme values.");
        }
        return warmStart;
    }

    /// <summary>
    /// Steps between warm-start validations: one pass over the training rows, but at least 25 steps (small data: a
    /// pass is one or two steps, and scoring every step would cost more than training) and at most 250 (large data:
    /// the budget is steps, not passes). Patience counts these evaluations, so it spans about 8 passes on mid-size
    /// data, as the epoch-based warm start of 0.1 did with its 20 epochs of patience at twice the cost.
    /// </summary>
    internal static int WarmStartEvaluationInterval(long trainingRows, int batchSize) =>
        (int)Math.Clamp((trainingRows + batchSize - 1) / batchSize, 25, 250);

    // The final log Z, estimated afresh and without bias.
    private LogPartitionEstimate EstimatePartition(EnergyFunction energy, NormalizingFlow generator)
    {
        Report(new TrainingProgress(TrainingPhase.Partition, 0, 1, double.NaN, double.NaN, double.NaN, double.NaN, clock.Elapsed));
        using var noGrad = no_grad();
        return PartitionEstimation.Estimate(energy, generator, settings.PartitionSamples,
            settings.Adversarial.ProposalDefensiveWeight, settings.Adversarial.ProposalGaussianScale, random, limits.Cancellation);
    }

    // The energy with a kernel term over up to settings.KernelCenters training rows (the first rows of one shuffled pass,
    // which for streamed data come from the shuffle buffer's first window; capped by the weight budget), when validation
    // says it earns its place (KernelComponentSelection); otherwise the energy as it is.
    private EnergyFunction WithKernel(EnergyFunction energy, double logZ)
    {
        int budget = Math.Min(settings.KernelCenters, ModelSizeBounds.KernelCenterBudget(data.Dimension, settings.Flow, settings.Energy));
        if (budget < 2) return energy;
        limits.ThrowIfCanceled();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var batches = data.Epoch(budget, random).GetEnumerator();
        if (!batches.MoveNext()) return energy;
        var centers = batches.Current.to(validation.dtype);
        if (KernelComponentSelection.Choose(energy, logZ, centers, validation) is not var (bandwidth, weight)) return energy;
        return new KernelMixtureEnergy(energy, centers, bandwidth, weight, logZ);
    }

    private TrainingSummary Summarize(TrainingDataFacts facts, MaximumLikelihoodHistory warmStart, AdversarialHistory adversarial,
        double learnedLogPartition, LogPartitionEstimate partition, EnergyFunction energy, GaussianBaseline baseline)
    {
        double validationLogLikelihood = MeanNegativeEnergy(energy, validation) - partition.LogZ + standardizer.LogDetToRaw;
        double gaussian = baseline.ValidationLogLikelihood(validation, featureNoise) + standardizer.LogDetToRaw;
        var kernel = energy as KernelMixtureEnergy;
        var warnings = FitWarnings.Of(partition, standardizer.ConstantFeatures, validationLogLikelihood, gaussian,
            TiltSaturation(kernel?.Inner ?? energy), settings.TrainingNoise);
        var summary = new TrainingSummary
        {
            Seed = settings.Seed,
            TrainingRows = facts.TrainingRows,
            ValidationRows = validation.shape[0],
            SkippedRows = facts.SkippedRows,
            ConstantFeatures = standardizer.ConstantFeatures,
            StandardizationLogDeterminant = standardizer.LogDetToRaw,
            WarmStartSteps = warmStart.Steps,
            TimeBudgetExhaustedIn = warmStart.OutOfTime ? TrainingPhase.WarmStart : adversarial.OutOfTime ? TrainingPhase.Adversarial : null,
            FlowValidationLogLikelihood = warmStart.BestValidationLogLikelihood + standardizer.LogDetToRaw,
            AdversarialIterations = adversarial.Evaluations[^1].Progress.Step,
            BestIteration = adversarial.BestIteration,
            Rollbacks = adversarial.Rollbacks,
            StoppedByDivergence = adversarial.StoppedByDivergence,
            ValidationLogLikelihood = validationLogLikelihood,
            KernelCenters = kernel?.CenterCount ?? 0,
            KernelWeight = kernel?.Weight ?? 0,
            KernelBandwidth = kernel?.Bandwidth ?? 0,
            GaussianValidationLogLikelihood = gaussian,
            Warnings = warnings,
            Partition = partition,
            LearnedLogPartition = learnedLogPartition,
            History = history,
            Duration = clock.Elapsed,
        };
        Report(new TrainingProgress(TrainingPhase.Partition, 1, 1, double.NaN, double.NaN,
            validationLogLikelihood - standardizer.LogDetToRaw, partition.LogZ, clock.Elapsed));
        return summary;
    }

    private static EnergyFunction CreateEnergy(NormalizingFlow generator, TrainingSettings settings)
    {
        using var initialization = new Generator(unchecked((ulong)settings.Seed + 1));
        return settings.Energy.Create(generator, initialization);
    }

    // The share of validation rows where a tilted energy's |h| is within 5% of its bound (0 for other energies).
    private double TiltSaturation(EnergyFunction energy)
    {
        if (energy is not TiltedFlowEnergy tilted || validation.shape[0] == 0) return 0;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return tilted.PenalizedPart(validation).abs().AtLeast(0.95 * tilted.TiltBound).to(ScalarType.Float64).mean().item<double>();
    }

    private static double MeanNegativeEnergy(EnergyFunction energy, Tensor rows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return -energy.forward(rows).to(ScalarType.Float64).mean().item<double>();
    }

    // One pass over the training rows: Score = E(u) + (log Z - LogDetToRaw) of every row, ascending, and the moments
    // of the Gaussian baseline.
    private (List<double> Scores, GaussianBaseline Gaussian) ScoreTrainingRows(EnergyFunction energy, double offset)
    {
        var scores = new List<double>();
        var gaussian = new GaussianBaseline(data.Dimension);
        using var noGrad = no_grad();
        using var batches = data.Epoch(ScoringBatchSize, random).GetEnumerator();
        while (true)
        {
            limits.ThrowIfCanceled();
            using var scope = NewDisposeScope();
            if (!batches.MoveNext()) break;
            scores.AddRange(energy.forward(batches.Current).to(ScalarType.Float64).data<double>().ToArray().Select(e => e + offset));
            gaussian.Add(batches.Current);
        }
        scores.Sort();
        return (scores, gaussian);
    }
}
