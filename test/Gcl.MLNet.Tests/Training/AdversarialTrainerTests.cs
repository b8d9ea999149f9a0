using System.Diagnostics;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Tests.Onnx;
using Gcl.MLNet.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

/// <summary>
/// The adversarial stage on a tiny 2-D problem (two blobs, a one-block flow of width 8, an energy network of width 8):
/// what one discriminator and one generator step change and return, that rollback restores the last validated state,
/// that Train leaves the best evaluation's state behind, and that Patience stops training where its rule says.
/// </summary>
public sealed class AdversarialTrainerTests(AdversarialTrainerTests.EarlyStoppedRun run, ITestOutputHelper output)
    : IClassFixture<AdversarialTrainerTests.EarlyStoppedRun>
{
    [Theory]
    [InlineData(EnergyNetworkKind.TiltedFlow)]
    [InlineData(EnergyNetworkKind.Mlp)]
    public void DiscriminatorStepMovesTheEnergyAndBOnlyAndReturnsTheObjectivesLoss(EnergyNetworkKind kind)
    {
        using var problem = new ToyProblem(kind, perturbed: true);
        var options = new AdversarialOptions { BatchSize = 64, EnergyPenalty = 0.5 };
        using var random = new Generator(17);
        using var replay = new Generator(17);   // draws what the trainer's generator will draw
        var trainer = new AdversarialTrainer(problem.Energy, problem.Generator, options, random);
        var (energyOptimizer, generatorOptimizer) = trainer.CreateOptimizers((1e-2, 1e-3));
        // A data batch shorter than the generator's draw (an epoch's last batch) meets as many of the drawn samples.
        using var batch = problem.Train.narrow(0, 0, 48).clone();
        var before = State.Of(problem, trainer);

        var (expected, penalty) = DiscriminatorLoss(problem, batch, options.EnergyPenalty, replay, drawn: options.BatchSize);
        double loss;
        using (NewDisposeScope())
        {
            loss = trainer.DiscriminatorStep(batch, trainer.DrawGeneratorBatch(), energyOptimizer);
        }

        Assert.True(penalty > 1e-3, $"the penalty term {penalty} should be visible in the loss");
        Assert.True(Math.Abs(loss - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"step loss {loss}, objective {expected}");
        var after = State.Of(problem, trainer);
        AssertChanged(before.Energy, after.Energy, problem.TrainableEnergyNames, "energy");
        AssertUnchanged(before.Energy, after.Energy, problem.FrozenEnergyNames, "frozen energy");
        AssertUnchanged(before.Generator, after.Generator, before.Generator.Keys, "generator");
        Assert.Equal(0.0, before.Bias);
        // Adam's first step moves every parameter by the learning rate: b is trained with the energy's rate.
        Assert.True(Math.Abs(Math.Abs(after.Bias) - 1e-2) < 1e-5, $"b moved to {after.Bias}");

        energyOptimizer.Dispose();
        generatorOptimizer.Dispose();
    }

    [Theory]
    [InlineData(EnergyNetworkKind.TiltedFlow)]
    [InlineData(EnergyNetworkKind.Mlp)]
    public void GeneratorStepMovesTheGeneratorOnlyAndReturnsTheObjectivesLoss(EnergyNetworkKind kind)
    {
        using var problem = new ToyProblem(kind, perturbed: true);
        var options = new AdversarialOptions { BatchSize = 64 };
        using var random = new Generator(19);
        using var replay = new Generator(19);
        var trainer = new AdversarialTrainer(problem.Energy, problem.Generator, options, random);
        var (energyOptimizer, generatorOptimizer) = trainer.CreateOptimizers((1e-2, 1e-3));
        var before = State.Of(problem, trainer);

        double expected;
        using (NewDisposeScope())
        using (no_grad())
        {
            var (samples, logQ) = problem.Generator.SampleWithLogProb(options.BatchSize, replay);
            expected = AdversarialObjective.GeneratorLoss(problem.Energy.forward(samples), logQ).ToDouble();
        }
        double loss;
        using (NewDisposeScope())
        {
            loss = trainer.GeneratorStep(trainer.DrawGeneratorBatch(), generatorOptimizer);
        }

        Assert.True(Math.Abs(loss - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"step loss {loss}, objective {expected}");
        var after = State.Of(problem, trainer);
        AssertChanged(before.Generator, after.Generator, before.Generator.Keys, "generator");
        AssertUnchanged(before.Energy, after.Energy, before.Energy.Keys, "energy");
        Assert.Equal(before.Bias, after.Bias);

        energyOptimizer.Dispose();
        generatorOptimizer.Dispose();
    }

    [Theory]
    [InlineData(EnergyNetworkKind.TiltedFlow)]
    [InlineData(EnergyNetworkKind.Mlp)]
    public void OneDrawServesBothStepsAndTheGeneratorStepMeetsTheUpdatedEnergy(EnergyNetworkKind kind)
    {
        using var problem = new ToyProblem(kind, perturbed: true);
        var options = new AdversarialOptions { BatchSize = 64 };
        using var random = new Generator(31);
        using var replay = new Generator(31);
        var trainer = new AdversarialTrainer(problem.Energy, problem.Generator, options, random);
        var (energyOptimizer, generatorOptimizer) = trainer.CreateOptimizers((1e-1, 1e-3));
        using var batch = problem.Train.narrow(0, 0, 64).clone();

        double generatorLoss, onTheDraw, onAFreshDraw, underTheOldEnergy;
        using (NewDisposeScope())
        {
            using (no_grad())
            {
                var (samples, logQ) = problem.Generator.SampleWithLogProb(options.BatchSize, replay);
                underTheOldEnergy = AdversarialObjective.GeneratorLoss(problem.Energy.forward(samples), logQ).ToDouble();
            }
            var generated = trainer.DrawGeneratorBatch();
            trainer.DiscriminatorStep(batch, generated, energyOptimizer);
            using (no_grad())
            {
                onTheDraw = AdversarialObjective.GeneratorLoss(problem.Energy.forward(generated.Samples), generated.LogQ).ToDouble();
                var (fresh, freshLogQ) = problem.Generator.SampleWithLogProb(options.BatchSize, replay);
                onAFreshDraw = AdversarialObjective.GeneratorLoss(problem.Energy.forward(fresh), freshLogQ).ToDouble();
            }
            generatorLoss = trainer.GeneratorStep(generated, generatorOptimizer);
        }

        // The generator step's loss is the updated energy on the very samples the discriminator step saw.
        Assert.True(Math.Abs(generatorLoss - onTheDraw) <= 1e-6 * Math.Max(1, Math.Abs(onTheDraw)), $"step loss {generatorLoss}, on the draw {onTheDraw}");
        Assert.True(Math.Abs(generatorLoss - underTheOldEnergy) > 1e-4, "the discriminator step should have moved the energy the generator step meets");
        Assert.True(Math.Abs(generatorLoss - onAFreshDraw) > 1e-4, "a fresh draw would give another loss");

        energyOptimizer.Dispose();
        generatorOptimizer.Dispose();
    }

    [Fact]
    public void RepeatedStepsOnAFixedToyProblemLowerEachPlayersLoss()
    {
        // The discriminator against a fixed generator, then the generator against the fixed energy it learned.
        using var problem = new ToyProblem(EnergyNetworkKind.Mlp, perturbed: false);
        var options = new AdversarialOptions { BatchSize = 64 };
        using var random = new Generator(23);
        var trainer = new AdversarialTrainer(problem.Energy, problem.Generator, options, random);
        var (energyOptimizer, generatorOptimizer) = trainer.CreateOptimizers((1e-2, 1e-2));
        using var batch = problem.Train.narrow(0, 0, 64).clone();

        double Step(Func<AdversarialTrainer.GeneratorBatch, double> step)
        {
            using var scope = NewDisposeScope();
            return step(trainer.DrawGeneratorBatch());
        }
        var discriminator = Enumerable.Range(0, 150).Select(_ => Step(drawn => trainer.DiscriminatorStep(batch, drawn, energyOptimizer))).ToArray();
        var generator = Enumerable.Range(0, 150).Select(_ => Step(drawn => trainer.GeneratorStep(drawn, generatorOptimizer))).ToArray();

        Assert.All(discriminator.Concat(generator), loss => Assert.True(double.IsFinite(loss)));
        double discriminatorStart = discriminator.Take(10).Average(), discriminatorEnd = discriminator.TakeLast(10).Average();
        double generatorStart = generator.Take(10).Average(), generatorEnd = generator.TakeLast(10).Average();
        output.WriteLine($"discriminator {discriminatorStart:F4} -> {discriminatorEnd:F4}, generator {generatorStart:F4} -> {generatorEnd:F4}");
        Assert.True(discriminatorEnd < discriminatorStart - 0.1, $"discriminator loss {discriminatorStart:F4} -> {discriminatorEnd:F4}");
        Assert.True(generatorEnd < generatorStart - 0.1, $"generator loss {generatorStart:F4} -> {generatorEnd:F4}");

        energyOptimizer.Dispose();
        generatorOptimizer.Dispose();
    }

    [Fact]
    public void ANonFiniteLossRollsBackToTheLastValidatedStateAndTrainingGoesOn()
    {
        const int poisoned = 15;
        using var problem = new ToyProblem(EnergyNetworkKind.TiltedFlow, perturbed: false);
        var options = Options with { Iterations = 40, Patience = 100 };
        using var random = new Generator(29);
        AdversarialTrainer? trainer = null;
        var atEvaluation = new Dictionary<int, State>();
        var atBatch = new Dictionary<int, State>();
        using var source = new PoisonedBatchSource(problem.Train, poisoned, index => atBatch[index] = State.Of(problem, trainer!));
        trainer = new AdversarialTrainer(problem.Energy, problem.Generator, options, random);

        var history = trainer.Train(source, problem.Validation, report => atEvaluation[report.Step] = State.Of(problem, trainer!), Stopwatch.StartNew());

        Assert.Equal(1, history.Rollbacks);
        Assert.False(history.StoppedByDivergence);
        // Batch k is drawn at the start of iteration k: batch 15 sees 14 trained iterations, batch 16 the rollback.
        State lastValidated = atEvaluation[10];
        Assert.True(atBatch[poisoned].Differs(lastValidated), "the iterations since the last evaluation should have moved the state");
        Assert.False(atBatch[poisoned + 1].Differs(lastValidated), "after the rollback the state should be the one validated at iteration 10");
        Assert.Equal(history.Evaluations.Single(e => e.Progress.Step == 10).Bias, atBatch[poisoned + 1].Bias);

        Assert.Equal(new[] { 0, 10, 20, 30, 40 }, history.Evaluations.Select(e => e.Progress.Step));
        Assert.All(history.Evaluations, e => Assert.True(double.IsFinite(e.Progress.ValidationLogLikelihood)));
        var final = State.Of(problem, trainer);
        Assert.True(final.IsFinite());
        Assert.False(final.Differs(atEvaluation[history.BestIteration]), $"the final state should be the one validated at iteration {history.BestIteration}");
    }

    [Fact]
    public void BestIterationIsTheEvaluationWithTheHighestValidationLogLikelihoodAndItsStateIsKept()
    {
        var history = run.History;
        output.WriteLine(string.Join("\n", history.Evaluations.Select(e => $"{e.Progress.Step}: {e.Progress.ValidationLogLikelihood:F5} ({e.Partition.Describe()})")));
        Assert.All(history.Evaluations, e => Assert.True(e.Partition.IsReliable, $"iteration {e.Progress.Step}: {e.Partition.Describe()}"));
        var best = history.Evaluations.OrderByDescending(e => e.Progress.ValidationLogLikelihood).ThenBy(e => e.Progress.Step).First();
        Assert.Equal(best.Progress.Step, history.BestIteration);

        // The choice must have mattered: the best is neither the start nor the last state trained.
        int last = history.Evaluations[^1].Progress.Step;
        Assert.InRange(history.BestIteration, 1, last - 1);
        Assert.True(run.AtEvaluation[last].Differs(run.AtEvaluation[history.BestIteration]));

        Assert.True(run.Final.IsFinite());
        Assert.False(run.Final.Differs(run.AtEvaluation[history.BestIteration]), "Train should leave the best evaluation's state behind");
        Assert.Equal(best.Bias, run.Final.Bias);
    }

    [Fact]
    public void ReEvaluatingTheKeptStateGivesTheBestScore()
    {
        var best = run.History.Evaluations.Single(e => e.Progress.Step == run.History.BestIteration);
        var problem = run.Problem;

        double meanNegativeEnergy;
        LogPartitionEstimate estimate;
        using (NewDisposeScope())
        using (no_grad())
        {
            meanNegativeEnergy = -problem.Energy.forward(problem.Validation).to(ScalarType.Float64).mean().item<double>();
            using var fresh = new Generator(31);
            estimate = PartitionEstimation.Estimate(problem.Energy, problem.Generator, 4096, Options.ProposalDefensiveWeight, Options.ProposalGaussianScale, fresh);
        }

        // The energy part of the score is deterministic: exactly what was measured at the best evaluation.
        Assert.Equal(best.Progress.ValidationLogLikelihood + best.Progress.LogPartition, meanNegativeEnergy, 9);
        // log Z is re-estimated from fresh draws: equal within the two estimates' standard errors.
        double allowed = 4 * Math.Sqrt(Square(estimate.StandardError) + Square(best.Partition.StandardError)) + 1e-3;
        double rescored = meanNegativeEnergy - estimate.LogZ;
        Assert.True(Math.Abs(rescored - best.Progress.ValidationLogLikelihood) <= allowed,
            $"re-evaluated {rescored:F5} ({estimate.Describe()}), best {best.Progress.ValidationLogLikelihood:F5} ({best.Partition.Describe()})");
    }

    [Fact]
    public void PatienceStopsAfterThatManyEvaluationsWithoutImprovement()
    {
        var stopped = run.History;
        Assert.True(stopped.StoppedEarly);
        Assert.False(stopped.StoppedByDivergence);

        // The same seeds without patience: the same trajectory, run to the budget.
        using var problem = new ToyProblem(EnergyNetworkKind.TiltedFlow, perturbed: false);
        using var random = new Generator(EarlyStoppedRun.Seed);
        using var source = new TensorBatchSource(problem.Train);
        var patientOptions = EarlyStoppedRun.Options with { Patience = 1000 };
        var patient = new AdversarialTrainer(problem.Energy, problem.Generator, patientOptions, random)
            .Train(source, problem.Validation, null, Stopwatch.StartNew());
        Assert.False(patient.StoppedEarly);
        Assert.Equal(patientOptions.Iterations, patient.Evaluations[^1].Progress.Step);

        // Where the rule says to stop: the first evaluation that is the Patience-th in a row not to beat the best.
        var scores = patient.Evaluations.Select(e => e.Progress.ValidationLogLikelihood).ToArray();
        int expectedStop = -1, since = 0;
        double bestScore = scores[0];
        for (int i = 1; i < scores.Length && expectedStop < 0; i++)
        {
            if (scores[i] > bestScore) (bestScore, since) = (scores[i], 0);
            else if (++since == EarlyStoppedRun.Options.Patience) expectedStop = i;
        }
        Assert.True(expectedStop > 0, "the patient run should contain a stretch of Patience evaluations without improvement");
        Assert.All(patient.Evaluations.Take(expectedStop + 1), e => Assert.True(e.Partition.IsReliable, e.Partition.Describe()));

        Assert.Equal(scores.Take(expectedStop + 1), stopped.Evaluations.Select(e => e.Progress.ValidationLogLikelihood));
        Assert.Equal(patient.Evaluations[expectedStop].Progress.Step, stopped.Evaluations[^1].Progress.Step);
        Assert.True(stopped.Evaluations[^1].Progress.Step < patientOptions.Iterations);
        Assert.Equal(stopped.BestIteration + EarlyStoppedRun.Options.Patience * EarlyStoppedRun.Options.EvaluationInterval, stopped.Evaluations[^1].Progress.Step);
    }

    /// <summary>The settings of the Train tests: evaluations every 10 iterations on 512 importance samples.</summary>
    internal static AdversarialOptions Options => new()
    {
        Iterations = 200,
        BatchSize = 64,
        EnergyLearningRate = 1e-2,
        GeneratorLearningRate = 1e-3,
        EvaluationInterval = 10,
        EvaluationSamples = 512,
        Patience = 3,
    };

    private static double Square(double x) => x * x;

    // The loss of a discriminator step computed from the objective, with the draws the step will make.
    // The discriminator's objective on the batch against the first batch rows of a draw of `drawn` samples.
    private static (double Loss, double Penalty) DiscriminatorLoss(ToyProblem problem, Tensor batch, double penaltyWeight, Generator replay, long drawn)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (allGenerated, allLogQ) = problem.Generator.SampleWithLogProb(drawn, replay);
        var generated = allGenerated.narrow(0, 0, batch.shape[0]);
        var logQGenerated = allLogQ.narrow(0, 0, batch.shape[0]);
        var logQData = problem.Generator.LogProb(batch);
        var b = zeros(1).squeeze();
        var loss = AdversarialObjective.DiscriminatorLoss(problem.Energy.forward(batch), logQData, problem.Energy.forward(generated), logQGenerated, b);
        var penalty = problem.Energy.PenalizedPart(batch).square().mean() + problem.Energy.PenalizedPart(generated).square().mean();
        double weighted = penaltyWeight * penalty.ToDouble();
        return (loss.ToDouble() + weighted, weighted);
    }

    private static void AssertChanged(Dictionary<string, double[]> before, Dictionary<string, double[]> after, IEnumerable<string> names, string what)
    {
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            Assert.True(!before[name].SequenceEqual(after[name]), $"{what} parameter {name} did not move");
        }
    }

    private static void AssertUnchanged(Dictionary<string, double[]> before, Dictionary<string, double[]> after, IEnumerable<string> names, string what)
    {
        foreach (var name in names)
        {
            Assert.True(before[name].SequenceEqual(after[name]), $"{what} parameter {name} moved");
        }
    }

    /// <summary>
    /// Two blobs in 2-D (standardized scale), 512 training and 128 validation rows; a one-block affine flow of width 8
    /// initialized on the rows; a tilted energy over a copy of it, or an MLP energy, of width 8. Perturbed: every
    /// parameter moved off its zero or identity start, so every one of them gets a gradient.
    /// </summary>
    internal sealed class ToyProblem : IDisposable
    {
        public ToyProblem(EnergyNetworkKind kind, bool perturbed)
        {
            TorchRuntime.EnsureLoaded();
            using var generator = new Generator(7);
            Train = Blobs(512, generator);
            Validation = Blobs(128, generator);
            Generator = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 1, HiddenWidth: 8), seed: 3);
            Generator.InitializeFromData(Train);
            Energy = kind == EnergyNetworkKind.TiltedFlow
                ? new TiltedFlowEnergy(Generator.Clone(), [8], tiltBound: 3, tailWeight: 0.01, generator)
                : new MlpEnergy(2, [8], confinement: 0.05, generator);
            if (perturbed)
            {
                OnnxTestEnergyModels.Perturb(Generator, generator);
                OnnxTestEnergyModels.Perturb(Energy, generator);
            }
            TrainableEnergyNames = Energy.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToArray();
            FrozenEnergyNames = Energy.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name).ToArray();
        }

        public Tensor Train { get; }

        public Tensor Validation { get; }

        public NormalizingFlow Generator { get; }

        public EnergyFunction Energy { get; }

        public string[] TrainableEnergyNames { get; }

        public string[] FrozenEnergyNames { get; }

        public void Dispose()
        {
            Energy.Dispose();
            Generator.Dispose();
            Train.Dispose();
            Validation.Dispose();
        }

        private static Tensor Blobs(int count, Generator generator)
        {
            using var scope = NewDisposeScope();
            var side = (rand(count, 1, generator: generator) < 0.5).to(ScalarType.Float32) * 2 - 1;
            var rows = randn(count, 2, generator: generator) * 0.4 + side * tensor(new[] { 1.0f, -0.6f });
            return rows.MoveToOuterDisposeScope();
        }
    }

    /// <summary>Parameter values of the energy and the generator, and b, copied out at one moment.</summary>
    internal sealed record State(Dictionary<string, double[]> Energy, Dictionary<string, double[]> Generator, double Bias)
    {
        public static State Of(ToyProblem problem, AdversarialTrainer trainer) =>
            new(Copy(problem.Energy), Copy(problem.Generator), trainer.LogPartitionBias);

        public bool Differs(State other) =>
            Bias != other.Bias || Energy.Any(p => !p.Value.SequenceEqual(other.Energy[p.Key])) || Generator.Any(p => !p.Value.SequenceEqual(other.Generator[p.Key]));

        public bool IsFinite() => double.IsFinite(Bias) && Energy.Values.Concat(Generator.Values).All(values => values.All(double.IsFinite));

        private static Dictionary<string, double[]> Copy(nn.Module module)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray());
        }
    }

    /// <summary>Batches of the rows, one of them all NaN, with a hook called as each batch is drawn (numbered from 1).</summary>
    private sealed class PoisonedBatchSource(Tensor rows, int poisonedBatch, Action<int> onBatch) : IBatchSource, IDisposable
    {
        private readonly Tensor rows = rows.clone();
        private int served;

        public int Dimension => (int)rows.shape[1];

        public IEnumerable<Tensor> Epoch(int batchSize, Generator generator)
        {
            foreach (var batch in MiniBatches.Shuffled(rows, batchSize, generator))
            {
                onBatch(++served);
                yield return served == poisonedBatch ? full_like(batch, float.NaN) : batch;
            }
        }

        public void Dispose() => rows.Dispose();
    }

    /// <summary>One Train run with Patience 3 on the unperturbed tilted problem, shared by the tests that read it.</summary>
    public sealed class EarlyStoppedRun : IDisposable
    {
        public const int Seed = 37;

        public EarlyStoppedRun()
        {
            Problem = new ToyProblem(EnergyNetworkKind.TiltedFlow, perturbed: false);
            using var random = new Generator(Seed);
            using var source = new TensorBatchSource(Problem.Train);
            var trainer = new AdversarialTrainer(Problem.Energy, Problem.Generator, Options, random);
            History = trainer.Train(source, Problem.Validation, report => AtEvaluation[report.Step] = State.Of(Problem, trainer), Stopwatch.StartNew());
            Final = State.Of(Problem, trainer);
        }

        internal static AdversarialOptions Options => AdversarialTrainerTests.Options;

        internal ToyProblem Problem { get; }

        internal AdversarialHistory History { get; }

        internal Dictionary<int, State> AtEvaluation { get; } = new();

        internal State Final { get; }

        public void Dispose() => Problem.Dispose();
    }
}
