using System.Diagnostics;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Times the real trainers from outside. Warm start: <c>MaximumLikelihoodTrainer.Train</c> (per-epoch validation
/// and snapshots included), from the end of its first epoch to the end of its last. Adversarial stage: the
/// trainer's own draw and step methods with its own optimizers, iteration by iteration (best of 8 rounds), and <c>AdversarialTrainer.Train</c> end to end (a validation log Z every 50 iterations, as by default).
/// </summary>
internal static class TrainingSteps
{
    /// <summary>
    /// Steps per second of each phase at one batch size (an iteration is one generator draw, one discriminator and one
    /// generator step), the FLOPs of a warm-start step and of an iteration (<see cref="NetworkFlops"/>), and the
    /// GFLOP/s of the networks' linear layers alone at this batch size (<see cref="LinearLayersOnly"/>).
    /// </summary>
    public sealed record Rates(int Batch, double WarmStart, double Iterations, double EndToEnd,
        double WarmStartFlops, double IterationFlops, double LinearLayersGigaflops);

    /// <summary>Measures every phase of <paramref name="setup"/> (which it trains in place).</summary>
    public static Rates Measure(TrainingSetup setup, int warmStartEpochs, int endToEndIterations)
    {
        double warmStart = WarmStart(setup, warmStartEpochs);
        using var energy = setup.CreateEnergy();
        double iterations = Iterations(setup, energy);
        double endToEnd = EndToEnd(setup, energy, endToEndIterations);
        int batch = setup.Options.BatchSize;
        var shapes = NetworkFlops.LinearShapes(setup.Flow).Concat(NetworkFlops.LinearShapes(energy)).ToArray();
        return new Rates(batch, warmStart, iterations, endToEnd,
            (double)batch * NetworkFlops.WarmStartRow(setup.Flow), (double)batch * NetworkFlops.PerIterationRow(energy, setup.Flow),
            LinearLayersOnly.Rate(shapes, batch).Gigaflops);
    }

    /// <summary>Warm-start steps per second over <paramref name="epochs"/> passes over the data (early stopping off, one evaluation per pass).</summary>
    public static double WarmStart(TrainingSetup setup, int epochs)
    {
        using var random = new Generator(2);
        long steps = 0;
        var marks = new List<(long Steps, TimeSpan Elapsed)>();
        int perPass = (int)Math.Ceiling(setup.TrainingRows / (double)setup.Options.BatchSize);
        new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: epochs * perPass, EvaluationInterval: perPass, Patience: epochs)).Train(
            setup.Flow,
            () => setup.Source.Epoch(setup.Options.BatchSize, random).Select(batch => { steps++; return batch; }),
            setup.Validation,
            evaluation => marks.Add((steps, evaluation.Elapsed)));
        return (marks[^1].Steps - marks[0].Steps) / (marks[^1].Elapsed - marks[0].Elapsed).TotalSeconds;
    }

    /// <summary>Iterations/s of the trainer's own draw and step methods, called as Train calls them (best of 8 rounds).</summary>
    public static double Iterations(TrainingSetup setup, Energy.EnergyFunction energy)
    {
        using var random = new Generator(3);
        var trainer = new AdversarialTrainer(energy, setup.Flow, setup.Options, random);
        var (energyOptimizer, generatorOptimizer) = trainer.CreateOptimizers((setup.Options.EnergyLearningRate, setup.Options.GeneratorLearningRate));
        using (energyOptimizer)
        using (generatorOptimizer)
        {
            using var batches = Cycle(setup, random).GetEnumerator();
            void Iteration()
            {
                using var scope = NewDisposeScope();
                batches.MoveNext();
                var generated = trainer.DrawGeneratorBatch();
                trainer.DiscriminatorStep(batches.Current, generated, energyOptimizer);
                trainer.GeneratorStep(generated, generatorOptimizer);
            }
            const int Repeat = 10;
            // Many short rounds, so that one quiet moment of a shared machine is caught.
            return Rate.PerSecond(() => Times(Repeat, Iteration), seconds: 4, rounds: 8);
        }
    }

    /// <summary>Iterations/s of <c>AdversarialTrainer.Train</c> over <paramref name="iterations"/> iterations, from its first report (iteration 0) to its last.</summary>
    public static double EndToEnd(TrainingSetup setup, Energy.EnergyFunction energy, int iterations)
    {
        using var random = new Generator(4);
        var marks = new List<(int Step, TimeSpan Elapsed)>();
        var options = setup.Options with { Iterations = iterations, Patience = int.MaxValue };
        new AdversarialTrainer(energy, setup.Flow, options, random).Train(setup.Source, setup.Validation, p => marks.Add((p.Step, p.Elapsed)), Stopwatch.StartNew());
        return (marks[^1].Step - marks[0].Step) / (marks[^1].Elapsed - marks[0].Elapsed).TotalSeconds;
    }

    private static long Times(int count, Action step)
    {
        for (int i = 0; i < count; i++) step();
        return count;
    }

    /// <summary>The setup's training batches, epoch after epoch, without end (each owned by the caller's dispose scope).</summary>
    public static IEnumerable<Tensor> Cycle(TrainingSetup setup, Generator random)
    {
        while (true)
        {
            foreach (var batch in setup.Source.Epoch(setup.Options.BatchSize, random)) yield return batch;
        }
    }
}
