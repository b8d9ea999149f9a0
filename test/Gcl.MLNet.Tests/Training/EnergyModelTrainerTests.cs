using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using Gcl.MLNet.Tests.Flows;
using Gcl.MLNet.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

/// <summary>End-to-end training on data with a known density: the method's promises, with small budgets.</summary>
[Collection(SerialComputeCollection.Name)]
public sealed class EnergyModelTrainerTests
{
    private const double RingRadius = 2.0;
    private const double RingScale = 0.35;

    [Theory]
    [InlineData(340, 256, 25)]
    [InlineData(14_400, 256, 57)]
    [InlineData(50_000, 256, 196)]
    [InlineData(1_000_000, 256, 250)]
    public void TheWarmStartIsValidatedOncePerPassWithinTwentyFiveToTwoHundredFiftySteps(long rows, int batch, int interval) =>
        Assert.Equal(interval, EnergyModelTrainer.WarmStartEvaluationInterval(rows, batch));

    [Fact]
    public void TiltedModelOnEightGaussiansIsAtLeastTheFlowAndItsLogZMatchesAGridIntegral()
    {
        TorchRuntime.EnsureLoaded();
        var (train, test, trueLogLikelihood) = EightGaussians(2400, 1000, seed: 3);
        using var model = InMemoryTrainer.Train(train, SmallSettings(seed: 5), 0.15);

        double modelLogLikelihood = MeanLogDensity(model, test);
        using var flowOnly = InMemoryTrainer.Train(train, SmallSettings(seed: 5) with { Adversarial = SmallSettings(5).Adversarial with { Iterations = 0 } }, 0.15);
        double flowLogLikelihood = MeanLogDensity(flowOnly, test);

        Assert.True(modelLogLikelihood >= flowLogLikelihood - 0.01,
            $"energy model {modelLogLikelihood:F4} vs flow {flowLogLikelihood:F4} (true {trueLogLikelihood:F4})");
        Assert.True(modelLogLikelihood > trueLogLikelihood - 0.5, $"energy model {modelLogLikelihood:F4}, true {trueLogLikelihood:F4}");
        Assert.True(model.Partition.IsReliable, model.Partition.Describe());

        double gridLogZ = GridLogPartition(model.Energy, limit: 7, steps: 561);
        Assert.True(Math.Abs(model.Partition.LogZ - gridLogZ) < 0.02, $"importance sampled {model.Partition.LogZ:F4}, grid {gridLogZ:F4}");
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        TorchRuntime.EnsureLoaded();
        var (train, test, _) = EightGaussians(600, 200, seed: 8);
        var settings = SmallSettings(seed: 9) with { Adversarial = SmallSettings(9).Adversarial with { Iterations = 60, EvaluationInterval = 20 } };
        using var first = InMemoryTrainer.Train(train, settings, 0.2);
        using var second = InMemoryTrainer.Train(train, settings, 0.2);
        Assert.Equal(first.Partition.LogZ, second.Partition.LogZ);
        Assert.Equal(MeanLogDensity(first, test), MeanLogDensity(second, test));
    }

    [Fact]
    public void AbsurdLearningRatesRollBackAndNeverYieldNaNDensities()
    {
        TorchRuntime.EnsureLoaded();
        var (train, test, _) = EightGaussians(600, 200, seed: 4);
        // Adam moves every parameter by about its learning rate, so one generator step at 1e30 overflows the flow's
        // scales and the next discriminator loss is infinite or NaN, however often the rate is halved: every allowed
        // rollback happens, then training stops at the best validated state, the warm start itself.
        var adversarial = SmallSettings(2).Adversarial with
        {
            Iterations = 200,
            EvaluationInterval = 20,
            EnergyLearningRate = 1e4,
            GeneratorLearningRate = 1e30,
            GradientClip = 1e9,
        };
        using var model = InMemoryTrainer.Train(train, SmallSettings(seed: 2) with { Adversarial = adversarial }, 0.2);

        Assert.Equal(adversarial.MaxRollbacks + 1, model.Summary.Rollbacks);
        Assert.True(model.Summary.StoppedByDivergence);
        Assert.Equal(0, model.Summary.BestIteration);
        // The warm start has a zero tilt (E = -log((1 - eps) q + eps T), Z = 1): the kept model scores the validation
        // rows as the flow did, up to the tail, which costs at most -log(1 - eps) and lifts rows in the flow's tails.
        double tailCost = -Math.Log(1 - SmallSettings(2).Energy.TailWeight);
        double gain = model.Summary.ValidationLogLikelihood - model.Summary.FlowValidationLogLikelihood;
        Assert.True(gain > -tailCost - 0.02 && gain < 0.2,
            $"model {model.Summary.ValidationLogLikelihood:F4}, flow {model.Summary.FlowValidationLogLikelihood:F4}");
        var energy = new float[test.Length];
        var logDensity = new float[test.Length];
        model.Score(test.SelectMany(r => r).ToArray(), energy, logDensity);
        Assert.All(logDensity, value => Assert.True(float.IsFinite(value)));
        Assert.True(double.IsFinite(model.Summary.ValidationLogLikelihood));
    }

    internal static TrainingSettings SmallSettings(long seed) => new(
        new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 4, HiddenWidth: 32),
        new MaximumLikelihoodOptions(MaxSteps: 600, EvaluationInterval: 10, Patience: 8),
        new EnergyOptions(EnergyNetworkKind.TiltedFlow, [32, 32], TiltBound: 3, Confinement: 0.01, TailWeight: 0.01),
        new AdversarialOptions { Iterations = 600, BatchSize = 128, EvaluationInterval = 50, EvaluationSamples = 2048, Patience = 4 },
        PartitionSamples: 20000,
        Contamination: 0.05,
        seed);

    internal static double MeanLogDensity(EnergyModel model, float[][] rows)
    {
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        model.Score(rows.SelectMany(r => r).ToArray(), energy, logDensity);
        return logDensity.Average(v => (double)v);
    }

    // Eight Gaussians on a circle: rows for training and testing, and the true mean log-density of the test rows.
    private static (float[][] Train, float[][] Test, double TrueLogLikelihood) EightGaussians(int trainCount, int testCount, int seed)
    {
        var random = new Random(seed);
        float[] Draw()
        {
            double angle = random.Next(8) * Math.PI / 4;
            return new[] { (float)(RingRadius * Math.Cos(angle) + RingScale * Normal(random)), (float)(RingRadius * Math.Sin(angle) + RingScale * Normal(random)) };
        }
        var train = Enumerable.Range(0, trainCount).Select(_ => Draw()).ToArray();
        var test = Enumerable.Range(0, testCount).Select(_ => Draw()).ToArray();
        double trueLogLikelihood = test.Average(row =>
        {
            var terms = Enumerable.Range(0, 8).Select(k =>
            {
                double dx = row[0] - RingRadius * Math.Cos(k * Math.PI / 4), dy = row[1] - RingRadius * Math.Sin(k * Math.PI / 4);
                return -(dx * dx + dy * dy) / (2 * RingScale * RingScale) - Math.Log(2 * Math.PI * RingScale * RingScale) - Math.Log(8);
            }).ToArray();
            double max = terms.Max();
            return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
        });
        return (train, test, trueLogLikelihood);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // log of the integral of exp(-E(u)) over [-limit, limit]² in standardized units (midpoint rule).
    private static double GridLogPartition(EnergyFunction energy, double limit, int steps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double step = 2 * limit / steps;
        var axis = linspace(-limit + step / 2, limit - step / 2, steps, dtype: ScalarType.Float32);
        var grid = stack(meshgrid(new[] { axis, axis }, indexing: "ij")).reshape(2, -1).t();
        var logValues = -energy.forward(grid).to(ScalarType.Float64);
        return logValues.logsumexp(0).ToDouble() + 2 * Math.Log(step);
    }
}
