using System.Diagnostics;
using Gcl.MLNet.Common;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The adversarial stage of Finn et al. (2016): per iteration, one draw of reparameterized generator samples, then one
/// discriminator step (energy and b, on a data batch against those samples detached, logit -E - b - log q) and one
/// generator step (the same samples with their gradients, loss E + log q under the updated energy). One draw serves
/// both steps, as in common GAN practice: it saves a flow pass and, for an energy on a frozen reference, that
/// reference's pass over the samples. Every <see cref="AdversarialOptions.EvaluationInterval"/> iterations it estimates log Z by
/// importance sampling, scores the validation rows, keeps the best state, and stops early when validation stops
/// improving. Non-finite losses roll back to the last good state with halved learning rates.
/// </summary>
internal sealed class AdversarialTrainer : IDisposable
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
        using var zero = zeros(1, dtype: dtype);
        logPartition = new Parameter(zero.squeeze().DetachFromDisposeScope());
    }

    /// <summary>Runs the stage; on return the energy and generator hold the best validated state.</summary>
    /// <param name="data">Standardized training rows.</param>
    /// <param name="validation">Standardized validation rows [n, d].</param>
    /// <param name="progress">Receives one report per evaluation.</param>
    /// <param name="clock">Measures elapsed time since training started.</param>
    /// <param name="limits">Cancellation (throws) and a deadline (stops at the best validated state); null for none.</param>
    /// <returns>What happened, evaluation by evaluation.</returns>
    /// <exception cref="OperationCanceledException">The limits' token was cancelled.</exception>
    public AdversarialHistory Train(IBatchSource data, Tensor validation, Action<TrainingProgress>? progress, Stopwatch clock, TrainingLimits? limits = null)
    {
        limits ??= TrainingLimits.None;
        using var run = new Run(this, validation, progress, clock);
        using var batches = new CycledBatches(() => data.Epoch(options.BatchSize, random));
        for (int iteration = 1; iteration <= options.Iterations; iteration++)
        {
            limits.ThrowIfCanceled();
            if (limits.OutOfTime)
            {
                run.History.OutOfTime = true;
                break;
            }
            var (discriminatorLoss, generatorLoss) = Iterate(batches, run.Optimizers);
            if (!double.IsFinite(discriminatorLoss) || !double.IsFinite(generatorLoss))
            {
                if (run.RollBack()) continue;
                break;
            }
            run.Accumulate(discriminatorLoss, generatorLoss);
            if (iteration % options.EvaluationInterval != 0 && iteration != options.Iterations) continue;
            if (!run.EvaluateAndKeepBest(iteration)) break;
        }
        run.RestoreBest();
        return run.History;
    }

    // One iteration: a generator draw, a discriminator step on the next data batch against it, then a generator step.
    private (double Discriminator, double Generator) Iterate(CycledBatches batches, (AdamOptimizer Energy, AdamOptimizer Generator) optimizers)
    {
        using var scope = NewDisposeScope();
        var generated = DrawGeneratorBatch();
        double discriminatorLoss = DiscriminatorStep(batches.Next(), generated, optimizers.Energy);
        return (discriminatorLoss, GeneratorStep(generated, optimizers.Generator));
    }

    /// <summary>
    /// <see cref="AdversarialOptions.BatchSize"/> reparameterized samples of the generator with their graph, their
    /// log q, and the energy's fixed part on them (also with its graph), for one discriminator and one generator step.
    /// </summary>
    internal GeneratorBatch DrawGeneratorBatch()
    {
        var (samples, logQ) = generator.SampleWithLogProb(options.BatchSize, random);
        return new GeneratorBatch(samples, logQ, energy.FixedPart(samples));
    }

    /// <summary>Frees b (the energy and generator belong to the caller).</summary>
    public void Dispose() => logPartition.Dispose();

    /// <summary>The trainable b (the discriminator's log Z).</summary>
    public double LogPartitionBias => logPartition.ToDouble();

    /// <summary>
    /// One discriminator step on <paramref name="dataBatch"/> against the first as many rows of
    /// <paramref name="generated"/>, detached (equal counts: the paper's mixture); returns its loss.
    /// </summary>
    internal double DiscriminatorStep(Tensor dataBatch, GeneratorBatch generated, AdamOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var x = dataBatch.to(logPartition.dtype);
        long rows = x.shape[0];
        if (rows > generated.Samples.shape[0]) throw new ArgumentException($"The data batch has {rows} rows, more than the generator batch's {generated.Samples.shape[0]}.", nameof(dataBatch));
        Tensor logQData;
        using (no_grad())
        {
            logQData = generator.LogProb(x);
        }
        var met = generated.FirstRowsDetached(rows);
        // One pass per batch gives the energy and its penalized part (separate calls would run the network twice).
        var (energyData, penalizedData) = energy.ForwardWithPenalized(x);
        var (energyGenerated, penalizedGenerated) = energy.ForwardWithPenalized(met.Samples, met.FixedEnergy);
        var loss = AdversarialObjective.DiscriminatorLoss(energyData, logQData, energyGenerated, met.LogQ, logPartition);
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

    /// <summary>
    /// One generator step on <paramref name="generated"/> (drawn before this iteration's discriminator step, used once:
    /// its graph is spent here) under the current energy; returns its loss.
    /// </summary>
    internal double GeneratorStep(GeneratorBatch generated, AdamOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var (energyGenerated, _) = energy.ForwardWithPenalized(generated.Samples, generated.FixedEnergy);
        var loss = AdversarialObjective.GeneratorLoss(energyGenerated, generated.LogQ);
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
            estimate = PartitionEstimation.Estimate(energy, generator, options.EvaluationSamples, options.ProposalDefensiveWeight, options.ProposalGaussianScale, random);
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

    private TrainerSnapshot TakeSnapshot() => new(ParameterSnapshot.Take(energy), ParameterSnapshot.Take(generator), LogPartitionBias);

    /// <summary>
    /// The state of one <see cref="Train"/> call: optimizers and their learning rates, the best and the last good
    /// snapshots, the patience count and the losses since the last evaluation.
    /// </summary>
    private sealed class Run : IDisposable
    {
        private readonly AdversarialTrainer trainer;
        private readonly Tensor validation;
        private readonly Action<TrainingProgress>? progress;
        private readonly Stopwatch clock;
        private (double Energy, double Generator) learningRates;
        private ValidationScore best;
        private TrainerSnapshot bestState;
        private TrainerSnapshot lastGood;
        private int sinceImprovement;
        private double discriminatorSum, generatorSum;
        private int steps;

        public Run(AdversarialTrainer trainer, Tensor validation, Action<TrainingProgress>? progress, Stopwatch clock)
        {
            this.trainer = trainer;
            this.validation = validation;
            this.progress = progress;
            this.clock = clock;
            learningRates = (trainer.options.EnergyLearningRate, trainer.options.GeneratorLearningRate);
            Optimizers = trainer.CreateOptimizers(learningRates);
            best = trainer.Evaluate(validation, 0, double.NaN, double.NaN, History, progress, clock);
            bestState = trainer.TakeSnapshot();
            lastGood = trainer.TakeSnapshot();
        }

        public AdversarialHistory History { get; } = new();

        public (AdamOptimizer Energy, AdamOptimizer Generator) Optimizers { get; private set; }

        /// <summary>After a non-finite loss: back to the last good state with halved learning rates; false once the rollbacks are spent.</summary>
        public bool RollBack()
        {
            if (++History.Rollbacks > trainer.options.MaxRollbacks)
            {
                History.StoppedByDivergence = true;
                return false;
            }
            lastGood.Restore(trainer);
            learningRates = (learningRates.Energy / 2, learningRates.Generator / 2);
            DisposeOptimizers();
            Optimizers = trainer.CreateOptimizers(learningRates);
            return true;
        }

        public void Accumulate(double discriminatorLoss, double generatorLoss)
        {
            discriminatorSum += discriminatorLoss;
            generatorSum += generatorLoss;
            steps++;
        }

        /// <summary>Evaluates, keeps the state if it is the best so far; false when patience has run out.</summary>
        public bool EvaluateAndKeepBest(int iteration)
        {
            var score = trainer.Evaluate(validation, iteration, discriminatorSum / steps, generatorSum / steps, History, progress, clock);
            discriminatorSum = generatorSum = 0;
            steps = 0;
            if (double.IsFinite(score.LogLikelihood)) Replace(ref lastGood);
            if (score.IsBetterThan(best))
            {
                best = score;
                History.BestIteration = iteration;
                Replace(ref bestState);
                sinceImprovement = 0;
                return true;
            }
            if (++sinceImprovement < trainer.options.Patience) return true;
            History.StoppedEarly = true;
            return false;
        }

        public void RestoreBest() => bestState.Restore(trainer);

        public void Dispose()
        {
            DisposeOptimizers();
            bestState.Dispose();
            lastGood.Dispose();
        }

        private void Replace(ref TrainerSnapshot snapshot)
        {
            snapshot.Dispose();
            snapshot = trainer.TakeSnapshot();
        }

        private void DisposeOptimizers()
        {
            Optimizers.Energy.Dispose();
            Optimizers.Generator.Dispose();
        }
    }

    /// <summary>One iteration's generator draw: samples and log q with their graph, and the energy's fixed part on them (null if it has none).</summary>
    internal sealed record GeneratorBatch(Tensor Samples, Tensor LogQ, Tensor? FixedEnergy)
    {
        /// <summary>The first <paramref name="rows"/> rows, cut off from the graph (what the discriminator step meets).</summary>
        public GeneratorBatch FirstRowsDetached(long rows) =>
            new(Samples.narrow(0, 0, rows).detach(), LogQ.narrow(0, 0, rows).detach(), FixedEnergy?.narrow(0, 0, rows).detach());
    }

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
