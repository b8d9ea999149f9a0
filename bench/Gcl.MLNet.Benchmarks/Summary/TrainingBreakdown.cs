using System.Diagnostics;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Where an adversarial iteration's time goes, by stopwatch: the trainer's draw and two steps replayed piece by piece
/// with the same calls (flow passes, energy and losses, backward, gradient clipping, Adam, zero_grad), each piece timed
/// on its own, averaged over <c>iterations</c> iterations after a warm-up. Milliseconds per iteration.
/// </summary>
internal static class TrainingBreakdown
{
    /// <summary>The pieces of one iteration, in milliseconds; the names say which step they belong to.</summary>
    public static IReadOnlyList<(string Piece, double Milliseconds)> Measure(TrainingSetup setup, EnergyFunction energy, int iterations = 100)
    {
        using var random = new Generator(8);
        var options = setup.Options;
        var trainer = new AdversarialTrainer(energy, setup.Flow, options, random);
        var (energyOptimizer, generatorOptimizer) = trainer.CreateOptimizers((options.EnergyLearningRate, options.GeneratorLearningRate));
        var energyParameters = energy.parameters().Where(p => p.requires_grad).ToArray();
        var flowParameters = setup.Flow.parameters().ToArray();
        using var logPartition = zeros(1).squeeze().requires_grad_();
        var clock = new Dictionary<string, long>();
        void Time(string piece, Action work)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            clock[piece] = clock.GetValueOrDefault(piece) + Stopwatch.GetTimestamp() - start;
        }
        using (energyOptimizer)
        using (generatorOptimizer)
        {
            using var batches = TrainingSteps.Cycle(setup, random).GetEnumerator();
            for (int i = -10; i < iterations; i++)
            {
                if (i == 0) clock.Clear();
                using var scope = NewDisposeScope();
                batches.MoveNext();
                var x = batches.Current;
                Tensor samples = null!, logQ = null!, logQData = null!, loss = null!;
                Tensor? fixedEnergy = null;
                Time("generator draw: flow sample and the energy's fixed part, with gradients", () =>
                {
                    (samples, logQ) = setup.Flow.SampleWithLogProb(options.BatchSize, random);
                    fixedEnergy = energy.FixedPart(samples);
                });
                Time("discriminator: log q of data (no gradients)", () =>
                {
                    using var noGrad = no_grad();
                    logQData = setup.Flow.LogProb(x);
                });
                Time("discriminator: energy, penalty and loss", () =>
                {
                    var (energyData, penalizedData) = energy.ForwardWithPenalized(x);
                    var (energyGenerated, penalizedGenerated) = energy.ForwardWithPenalized(samples.detach(), fixedEnergy?.detach());
                    loss = AdversarialObjective.DiscriminatorLoss(energyData, logQData, energyGenerated, logQ.detach(), logPartition)
                        + options.EnergyPenalty * (penalizedData.square().mean() + penalizedGenerated.square().mean());
                });
                Time("discriminator: zero_grad", energyOptimizer.ZeroGrad);
                Time("discriminator: backward", () => loss.backward());
                Time("discriminator: clip and Adam", () =>
                {
                    nn.utils.clip_grad_norm_(energyParameters, options.GradientClip);
                    energyOptimizer.Step();
                });
                Time("generator: energy and loss", () =>
                {
                    var (energyGenerated, _) = energy.ForwardWithPenalized(samples, fixedEnergy);
                    loss = AdversarialObjective.GeneratorLoss(energyGenerated, logQ);
                });
                Time("generator: zero_grad", generatorOptimizer.ZeroGrad);
                Time("generator: backward", () => loss.backward());
                Time("generator: gradient clipping", () => nn.utils.clip_grad_norm_(flowParameters, options.GradientClip));
                Time("generator: Adam step", () => generatorOptimizer.Step());
            }
        }
        return clock.Select(p => (p.Key, 1e3 * p.Value / Stopwatch.Frequency / iterations)).ToList();
    }
}
