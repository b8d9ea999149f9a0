using Gcl.MLNet.Energy;
using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using Gcl.MLNet.Tests.Onnx;
using Gcl.MLNet.Tests.Training;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Model;

/// <summary>
/// <see cref="EnergyModel.Sample"/> draws from the energy model p = exp(-E)/Z, not from the generator: on 2-D toys a
/// histogram of 100k samples matches the model's own density on a grid (total variation at most 0.05, the histogram
/// noise of 100k draws over a few hundred occupied cells being about 0.02), closer than the generator's draws, and on
/// rings both rings keep their share of the model's mass.
/// </summary>
public sealed class EnergyModelSamplingTests(ITestOutputHelper output)
{
    private const int SampleCount = 100_000;
    private const double Limit = 3.2;
    private const int Cells = 32;
    private const int SubPoints = 4;

    [Theory]
    [InlineData("rings", false)]
    [InlineData("eight-gaussians", false)]
    [InlineData("eight-gaussians", true)]
    public void SamplesFollowTheModelsDensityOnAGrid(string toy, bool kernel)
    {
        TorchRuntime.EnsureLoaded();
        var rows = Toy(toy, 2000, new Random(5));
        using var model = InMemoryTrainer.Train(rows, EnergyModelTrainerTests.SmallSettings(seed: 3) with { KernelCenters = kernel ? 2000 : 0 }, 0.2);
        // The kernel term, when asked for, is kept: the flow smooths the eight modes, the kernel does not.
        Assert.Equal(kernel, model.Summary.KernelCenters > 0);
        var density = GridMasses(model);

        var fromModel = model.Sample(SampleCount, seed: 11);
        var fromGenerator = model.Sample(SampleCount, seed: 11, SampleSource.Generator);
        double modelDistance = TotalVariation(Histogram(fromModel.Rows), density);
        double generatorDistance = TotalVariation(Histogram(fromGenerator.Rows), density);
        output.WriteLine($"{toy}: TV(energy-model samples, p) {modelDistance:F4}, TV(generator samples, p) {generatorDistance:F4}, " +
            $"acceptance {fromModel.Count / (double)fromModel.Proposals:P1}, best iteration {model.Summary.BestIteration}");

        Assert.Equal(SampleSource.EnergyModel, fromModel.Source);
        Assert.Equal(SampleCount, fromModel.EffectiveSampleSize);
        Assert.True(modelDistance <= 0.05, $"TV {modelDistance:F4} between energy-model samples and the model's density");
        Assert.True(modelDistance < generatorDistance, $"energy-model samples {modelDistance:F4} should beat the generator's {generatorDistance:F4}");
        if (toy == "rings")
        {
            double modelInner = InnerShare(density), sampledInner = InnerShare(Histogram(fromModel.Rows));
            output.WriteLine($"rings: inner ring holds {modelInner:P1} of the model's mass and {sampledInner:P1} of its samples");
            Assert.InRange(sampledInner, modelInner - 0.02, modelInner + 0.02);
            Assert.InRange(sampledInner, 0.3, 0.7);
        }
    }

    [Fact]
    public void DrawsAreReproducibleUnderASeedAndScoredByTheModel()
    {
        TorchRuntime.EnsureLoaded();
        using var model = SmallRings(adversarialIterations: 100);
        var first = model.Sample(500, seed: 3);
        var second = model.Sample(500, seed: 3);
        Assert.Equal(first.Rows, second.Rows);
        Assert.NotEqual(first.Rows, model.Sample(500, seed: 4).Rows);
        var energy = new float[500];
        var logDensity = new float[500];
        model.Score(first.Rows, energy, logDensity);
        Assert.Equal(logDensity, first.LogDensity);
        Assert.True(first.Proposals > first.Count, "rejection sampling draws more candidates than it keeps");
    }

    [Fact]
    public void AModelFittedWithoutTheAdversarialStageKeepsEveryCandidateAndATiltedOneFewer()
    {
        TorchRuntime.EnsureLoaded();
        using var model = SmallRings(adversarialIterations: 0);
        var energy = (TiltedFlowEnergy)model.Energy;
        const int count = EnergySampler.BlockRows - 100;

        var untilted = model.Sample(count, seed: 3);
        double untiltedBound = energy.NegativeTiltBound;
        // A constant tilt h = c tanh(1 / c) > 0: exp(-E) is the base times exp(-h), so a candidate is kept with probability exp(-h - c).
        using (TorchSharp.torch.no_grad()) energy.Tilt.Layers[^1].bias!.fill_(1.0);
        var tilted = model.Sample(count, seed: 3);

        // One block of candidates gives them all (a few could fall outside the input range).
        Assert.Equal(EnergySampler.BlockRows, untilted.Proposals);
        Assert.Equal(0, untiltedBound);
        Assert.Equal(energy.TiltBound, energy.NegativeTiltBound);
        double expected = Math.Exp(-energy.TiltBound * Math.Tanh(1 / energy.TiltBound) - energy.TiltBound);
        double acceptance = tilted.Count / (double)tilted.Proposals;
        Assert.InRange(acceptance, 0.8 * expected, 1.25 * expected);
        var scores = new float[count];
        var logDensity = new float[count];
        model.Score(tilted.Rows, scores, logDensity);
        Assert.Equal(logDensity, tilted.LogDensity);
    }

    [Fact]
    public void AFreeFormEnergyIsSampledByImportanceResamplingWithItsEffectiveSampleSize()
    {
        TorchRuntime.EnsureLoaded();
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.AffineCoupling, EnergyNetworkKind.Mlp, seed: 5);

        var samples = model.Sample(300, seed: 2);

        Assert.Equal(300L * EnergySampler.PoolFactor, samples.Proposals);
        Assert.InRange(samples.EffectiveSampleSize, 1, samples.Proposals);
        var energy = new float[300];
        var logDensity = new float[300];
        model.Score(samples.Rows, energy, logDensity);
        Assert.Equal(logDensity, samples.LogDensity);
        // Resampling favours low energy: the drawn rows score higher than the proposal's own draws on average.
        var proposal = model.Sample(300, seed: 2, SampleSource.Generator);
        Assert.True(samples.LogDensity.Average() > proposal.LogDensity.Average(),
            $"resampled {samples.LogDensity.Average():F2} against generator {proposal.LogDensity.Average():F2}");
    }

    // A small model of 400 rings rows.
    private static EnergyModel SmallRings(int adversarialIterations) =>
        InMemoryTrainer.Train(Toy("rings", 400, new Random(2)), EnergyModelTrainerTests.SmallSettings(seed: 4) with
        {
            Adversarial = EnergyModelTrainerTests.SmallSettings(4).Adversarial with { Iterations = adversarialIterations },
        }, 0.2);

    // The model's probability of each grid cell (row-major, x then y), from its density at SubPoints² points per cell.
    private static double[] GridMasses(EnergyModel model)
    {
        int side = Cells * SubPoints;
        double step = 2 * Limit / side;
        var points = new float[side * side * 2];
        for (int i = 0; i < side; i++)
        {
            for (int j = 0; j < side; j++)
            {
                points[2 * (i * side + j)] = (float)(-Limit + (i + 0.5) * step);
                points[2 * (i * side + j) + 1] = (float)(-Limit + (j + 0.5) * step);
            }
        }
        var energy = new float[side * side];
        var logDensity = new float[side * side];
        model.Score(points, energy, logDensity);
        var masses = new double[Cells * Cells];
        for (int i = 0; i < side; i++)
        {
            for (int j = 0; j < side; j++) masses[i / SubPoints * Cells + j / SubPoints] += Math.Exp(logDensity[i * side + j]);
        }
        double total = masses.Sum();
        return masses.Select(m => m / total).ToArray();
    }

    private static double[] Histogram(float[] rows)
    {
        var counts = new double[Cells * Cells];
        double inside = 0;
        for (int r = 0; r < rows.Length / 2; r++)
        {
            int i = (int)Math.Floor((rows[2 * r] + Limit) / (2 * Limit) * Cells), j = (int)Math.Floor((rows[2 * r + 1] + Limit) / (2 * Limit) * Cells);
            if (i < 0 || j < 0 || i >= Cells || j >= Cells) continue;
            counts[i * Cells + j]++;
            inside++;
        }
        return counts.Select(c => c / inside).ToArray();
    }

    private static double TotalVariation(double[] p, double[] q) => 0.5 * p.Zip(q, (a, b) => Math.Abs(a - b)).Sum();

    // The share of cells whose centre lies within radius 1.5 (between the two rings).
    private static double InnerShare(double[] masses)
    {
        double share = 0, width = 2 * Limit / Cells;
        for (int i = 0; i < Cells; i++)
        {
            for (int j = 0; j < Cells; j++)
            {
                double x = -Limit + (i + 0.5) * width, y = -Limit + (j + 0.5) * width;
                if (x * x + y * y < 1.5 * 1.5) share += masses[i * Cells + j];
            }
        }
        return share;
    }

    // Rings: circles of radius 1 and 2 (noise 0.08); eight Gaussians on a circle of radius 2 (standard deviation 0.2).
    private static float[][] Toy(string name, int count, Random random) => Enumerable.Range(0, count).Select(_ =>
    {
        double angle = 2 * Math.PI * random.NextDouble(), radius = 1 + random.Next(2), noise = 0.08;
        if (name == "eight-gaussians")
        {
            angle = random.Next(8) * Math.PI / 4;
            radius = 2;
            noise = 0.2;
        }
        return new[] { (float)(radius * Math.Cos(angle) + noise * Normal(random)), (float)(radius * Math.Sin(angle) + noise * Normal(random)) };
    }).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
