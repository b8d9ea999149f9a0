using System.Diagnostics;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The adversarial stage of Finn et al. (2016): per iteration, one discriminator step (energy and b, on a data batch
/// against a detached generator batch, logit -E - b - log q) and one generator step (fresh reparameterized samples,
/// loss E + log q). Every <see cref="AdversarialOptions.EvaluationInterval"/> iterations it estimates log Z by
/// importance sampling, scores the validation rows, keeps the best state, and stops early when validation stops
/// improving. Non-finite losses roll back to the last good state with halved learning rates.
/// </summary>
internal sealed class AdversarialTrainer
{
    private readonly EnergyFunction energy;
    private readonly NormalizingFlow generator;
    private readonly AdversarialOptions options;
    private readonly Generator random;
    private readonly Parameter logPartition;

    /// <summary>Prepares training of <paramref name="energy"/> against <paramref name="generator"/> (both trained in place).</summary>
    public AdversarialTrainer(EnergyFunction energy, NormalizingFlow generator, AdversarialOptions options, Generator random)
    {
        this.energy = energy;
        this.generator = generator;
        this.options = options;
        this.random = random;
        var dtype = generator.parameters().First().dtype;
        logPartition = new Parameter(zeros(1, dtype: dtype).squeeze().DetachFromDisposeScope());
    }

    /// <summary>Runs the stage; on return the energy and generator hold the best validated state.</summary>
    /// <param name="data">Standardized training rows.</param>
    /// <param name="validation">Standardized validation rows [n, d].</param>
    /// <param name="progress">Receives one report per evaluation.</param>
    /// <param name="clock">Measures elapsed time since training started.</param>
    /// <returns>What happened, evaluation by evaluation.</returns>
    public AdversarialHistory Train(IBatchSource data, Tensor validation, Action<TrainingProgress>? progress, Stopwatch clock)
    {
        var history = new AdversarialHistory();
        var learningRates = (Energy: options.EnergyLearningRate, Generator: options.GeneratorLearningRate);
        var (energyOptimizer, generatorOptimizer) = CreateOptimizers(learningRates);
        ValidationScore best = Evaluate(validation, 0, double.NaN, double.NaN, history, progress, clock);
        var bestState = TakeSnapshot();
        var lastGood = TakeSnapshot();
        int sinceImprovement = 0;
        double discriminatorSum = 0, generatorSum = 0;
        int stepsSinceReport = 0;
        using var batches = Cycle(data).GetEnumerator();
        try
        {
            for (int iteration = 1; iteration <= options.Iterations; iteration++)
            {
                double discriminatorLoss;
                using (NewDisposeScope())
                {
                    batches.MoveNext();
                    discriminatorLoss = DiscriminatorStep(batches.Current, energyOptimizer);
                }
                double generatorLoss = GeneratorStep(generatorOptimizer);
                if (!double.IsFinite(discriminatorLoss) || !double.IsFinite(generatorLoss))
                {
                    history.Rollbacks++;
                    if (history.Rollbacks > options.MaxRollbacks)
                    {
                        history.StoppedByDivergence = true;
                        break;
                    }
                    lastGood.Restore(this);
                    learningRates = (learningRates.Energy / 2, learningRates.Generator / 2);
                    energyOptimizer.Dispose();
                    generatorOptimizer.Dispose();
                    (energyOptimizer, generatorOptimizer) = CreateOptimizers(learningRates);
                    continue;
                }
                discriminatorSum += discriminatorLoss;
                generatorSum += generatorLoss;
                stepsSinceReport++;
                if (iteration % options.EvaluationInterval != 0 && iteration != options.Iterations) continue;

                ValidationScore score = Evaluate(validation, iteration, discriminatorSum / stepsSinceReport, generatorSum / stepsSinceReport, history, progress, clock);
                discriminatorSum = generatorSum = 0;
                stepsSinceReport = 0;
                if (double.IsFinite(score.LogLikelihood))
                {
                    lastGood.Dispose();
                    lastGood = TakeSnapshot();
                }
                if (score.IsBetterThan(best))
                {
                    best = score;
                    history.BestIteration = iteration;
                    bestState.Dispose();
                    bestState = TakeSnapshot();
                    sinceImprovement = 0;
                }
                else if (++sinceImprovement >= options.Patience)
                {
                    history.StoppedEarly = true;
                    break;
                }
            }
            bestState.Restore(this);
            return history;
        }
        finally
        {
            energyOptimizer.Dispose();
            generatorOptimizer.Dispose();
            bestState.Dispose();
            lastGood.Dispose();
        }
    }

    /// <summary>The trainable b (the discriminator's log Z).</summary>
    public double LogPartitionBias => logPartition.ToDouble();

    /// <summary>One discriminator step on <paramref name="dataBatch"/>; returns its loss (internal for benchmarks that time the steps).</summary>
    internal double DiscriminatorStep(Tensor dataBatch, AdamOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var x = dataBatch.to(logPartition.dtype);
        Tensor generated, logQGenerated, logQData;
        using (no_grad())
        {
            (generated, logQGenerated) = generator.SampleWithLogProb(x.shape[0], random);
            logQData = generator.LogProb(x);
        }
        // One pass per batch gives the energy and its penalized part (separate calls would run the network twice).
        var (energyData, penalizedData) = energy.ForwardWithPenalized(x);
        var (energyGenerated, penalizedGenerated) = energy.ForwardWithPenalized(generated);
        var loss = AdversarialObjective.DiscriminatorLoss(energyData, logQData, energyGenerated, logQGenerated, logPartition);
        if (options.EnergyPenalty > 0)
        {
            var penalty = penalizedData.Squared().mean().Plus(penalizedGenerated.Squared().mean());
            loss = loss.Plus(penalty.Times(options.EnergyPenalty));
        }
        optimizer.ZeroGrad();
        loss.backward();
        nn.utils.clip_grad_norm_(EnergyParameters(), options.GradientClip);
        optimizer.Step();
        return loss.ToDouble();
    }

    /// <summary>One generator step on a fresh batch; returns its loss (internal for benchmarks that time the steps).</summary>
    internal double GeneratorStep(AdamOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var (samples, logQ) = generator.SampleWithLogProb(options.BatchSize, random);
        var loss = AdversarialObjective.GeneratorLoss(energy.forward(samples), logQ);
        optimizer.ZeroGrad();
        loss.backward();
        nn.utils.clip_grad_norm_(generator.parameters(), options.GradientClip);
        optimizer.Step();
        return loss.ToDouble();
    }

    // Estimates log Z with the current generator as proposal and scores the validation rows. An energy that is NaN
    // somewhere (log Z cannot be estimated) scores NaN: the state is neither kept nor rolled back to.
    private ValidationScore Evaluate(Tensor validation, int iteration, double discriminatorLoss, double generatorLoss,
        AdversarialHistory history, Action<TrainingProgress>? progress, Stopwatch clock)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        LogPartitionEstimate estimate;
        try
        {
            estimate = PartitionEstimation.Estimate(energy, generator, options.EvaluationSamples, options.ProposalGaussianWeight, options.ProposalGaussianScale, random);
        }
        catch (InvalidOperationException) when (iteration > 0)
        {
            progress?.Invoke(new TrainingProgress(TrainingPhase.Adversarial, iteration, options.Iterations, discriminatorLoss,
                generatorLoss, double.NaN, double.NaN, clock.Elapsed));
            return new ValidationScore(false, double.NaN);
        }
        double meanNegativeEnergy = -energy.forward(validation.to(logPartition.dtype)).to(ScalarType.Float64).mean().item<double>();
        double logLikelihood = meanNegativeEnergy - estimate.LogZ;
        var report = new TrainingProgress(TrainingPhase.Adversarial, iteration, options.Iterations, discriminatorLoss,
            generatorLoss, logLikelihood, estimate.LogZ, clock.Elapsed);
        history.Evaluations.Add(new AdversarialEvaluation(report, estimate, LogPartitionBias));
        progress?.Invoke(report);
        return new ValidationScore(estimate.IsReliable && double.IsFinite(logLikelihood), logLikelihood);
    }

    /// <summary>The two Adam optimizers at the given learning rates (the caller disposes them).</summary>
    internal (AdamOptimizer Energy, AdamOptimizer Generator) CreateOptimizers((double Energy, double Generator) rates) => (
        new AdamOptimizer(EnergyParameters(), rates.Energy, options.Beta1, options.Beta2),
        new AdamOptimizer(generator.parameters().Where(p => p.requires_grad), rates.Generator, options.Beta1, options.Beta2));

    private IEnumerable<Parameter> EnergyParameters() =>
        energy.parameters().Where(p => p.requires_grad).Append(logPartition);

    private IEnumerable<Tensor> Cycle(IBatchSource data)
    {
        while (true)
        {
            foreach (var batch in data.Epoch(options.BatchSize, random)) yield return batch;
        }
    }

    private TrainerSnapshot TakeSnapshot() => new(ParameterSnapshot.Take(energy), ParameterSnapshot.Take(generator), LogPartitionBias);

    /// <summary>Energy, generator and b, restorable together.</summary>
    private sealed class TrainerSnapshot(ParameterSnapshot energyState, ParameterSnapshot generatorState, double bias) : IDisposable
    {
        public void Restore(AdversarialTrainer trainer)
        {
            energyState.Restore(trainer.energy);
            generatorState.Restore(trainer.generator);
            using var noGrad = no_grad();
            trainer.logPartition.FillWith(bias);
        }

        public void Dispose()
        {
            energyState.Dispose();
            generatorState.Dispose();
        }
    }
}
