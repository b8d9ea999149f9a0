using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Gcl.MLNet.Persistence;
using Gcl.MLNet.Tests.Onnx;
using Gcl.MLNet.Tests.Training;
using Gcl.MLNet.Training;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Model;

/// <summary>
/// The kernel term (<see cref="KernelMixtureEnergy"/>): the kernel density is normalized, the energy is the stated
/// mixture, validation keeps the kernel where the flow smooths over tight clusters and drops it where the energy is
/// already exact, and a model with a kernel keeps every face of a model: held-out likelihood, the file, ONNX, the
/// managed scorer, the threshold for new rows, explanations.
/// </summary>
public sealed class KernelMixtureModelTests(KernelMixtureModelTests.ClusterModel fitted) : IClassFixture<KernelMixtureModelTests.ClusterModel>
{
    /// <summary>One model with a kernel term on four tight clusters (contamination 0.2), shared by the tests that only read it.</summary>
    public sealed class ClusterModel : IDisposable
    {
        public ClusterModel()
        {
            TorchRuntime.EnsureLoaded();
            Model = InMemoryTrainer.Train(Clusters(600, seed: 1), EnergyModelTrainerTests.SmallSettings(seed: 2) with { KernelCenters = 4096, Contamination = 0.2 }, 0.2);
        }

        internal EnergyModel Model { get; }

        public void Dispose() => Model.Dispose();
    }

    [Fact]
    public void TheKernelDensityIntegratesToOne()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var centers = tensor(new float[] { 0, 0, 1, 0.5f, -0.5f, 1 }, new long[] { 3, 2 });
        const double step = 0.02;
        var axis = arange(-4.0, 5.0, step, ScalarType.Float32);
        var grid = stack(new[] { axis.repeat_interleave(axis.shape[0]), axis.repeat(axis.shape[0]) }, 1);

        var logDensity = KernelMixtureEnergy.KernelLogDensities(grid, centers, [0.3], leaveSelfOut: false).squeeze(0);

        Assert.Equal(1.0, logDensity.to(ScalarType.Float64).exp().sum().item<double>() * step * step, 3);
    }

    [Fact]
    public void TheEnergyIsTheStatedMixtureAndARowIsScoredWithoutTheCenterItCoincidesWith()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var inner = GaussianEnergy(2);
        var centers = tensor(new float[] { 0, 0, 1, 0.5f, -0.5f, 1 }, new long[] { 3, 2 });
        const double weight = 0.3, bandwidth = 0.4, logZ = 1.8378770664; // log 2π: the Gaussian energy's log Z
        using var energy = new KernelMixtureEnergy(inner, centers, bandwidth, weight, logZ);
        // (2, -1) is no center; (0, 0) is the first, (0, 1e-3) is near it but apart.
        var rows = tensor(new float[] { 2, -1, 0, 0, 0, 1e-3f }, new long[] { 3, 2 });

        var mixture = energy.forward(rows).neg().Plus(-logZ).exp().to(ScalarType.Float64).data<double>().ToArray();
        var innerDensity = inner.forward(rows).neg().Plus(-logZ).exp().to(ScalarType.Float64).data<double>().ToArray();
        var all = KernelMixtureEnergy.KernelLogDensities(rows, centers, [bandwidth], leaveSelfOut: false).squeeze(0).exp().to(ScalarType.Float64).data<double>().ToArray();
        double others = KernelMixtureEnergy.KernelLogDensities(rows.narrow(0, 1, 1), centers.narrow(0, 1, 2), [bandwidth], leaveSelfOut: false).exp().item<float>() * 2.0 / 3;

        Assert.Equal((1 - weight) * innerDensity[0] + weight * all[0], mixture[0], 1e-6);
        Assert.Equal((1 - weight) * innerDensity[1] + weight * others, mixture[1], 1e-6);
        Assert.Equal((1 - weight) * innerDensity[2] + weight * all[2], mixture[2], 1e-6);
    }

    [Fact]
    public void ValidationKeepsNoKernelWhenTheEnergyIsAlreadyTheDensity()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var energy = GaussianEnergy(3);
        using var random = new Generator(3);
        var centers = randn(new long[] { 2000, 3 }, generator: random);
        var validation = randn(new long[] { 500, 3 }, generator: random);

        Assert.Null(KernelComponentSelection.Choose(energy, 1.5 * Math.Log(2 * Math.PI), centers, validation));
    }

    [Fact]
    public void TightClustersTheFlowSmoothsGetAKernelThatLiftsHeldOutLikelihoodAndTheAnomalyEntryLeavesItOut()
    {
        var withKernel = fitted.Model;
        using var without = InMemoryTrainer.Train(Clusters(600, seed: 1), EnergyModelTrainerTests.SmallSettings(seed: 2) with { Contamination = 0.2 }, 0.2);
        var heldOut = Clusters(400, seed: 2);

        double gain = EnergyModelTrainerTests.MeanLogDensity(withKernel, heldOut) - EnergyModelTrainerTests.MeanLogDensity(without, heldOut);

        Assert.InRange(withKernel.Summary.KernelCenters, 2, 480);
        Assert.InRange(withKernel.Summary.KernelWeight, 0.01, 0.99);
        Assert.True(withKernel.Summary.KernelBandwidth > 0);
        Assert.Equal(0, without.Summary.KernelCenters);
        Assert.True(gain > 0.3, $"the kernel gains {gain:F3} nats per held-out row");
        Assert.Equal(0, new EnergyModelOptions().ToSettings(seed: 1, FitPurpose.AnomalyDetection).KernelCenters);
    }

    [Fact]
    public void AKernelModelSurvivesTheFileAndMatchesOnnxAndTheManagedScorer()
    {
        var model = fitted.Model;
        var rows = Clusters(40, seed: 5);
        var flat = rows.SelectMany(r => r).ToArray();
        using var file = new MemoryStream();
        ModelArchive.Write(file, new ArchivedModel(model, "Features", null, InvalidRowHandling.Reject, null, []));
        file.Position = 0;
        using var loaded = ModelArchive.Read(file).Model;
        using var onnx = new OnnxTestRunner(EnergyModelOnnxExporter.Scoring(model));

        var (energy, logDensity) = Score(model, rows);
        var (loadedEnergy, loadedLogDensity) = Score(loaded, rows);
        var (fewEnergy, fewLogDensity) = Score(model, rows[..3]);
        var onnxLogDensity = onnx.Run("LogDensity", ("Features", flat, [rows.Length, model.FeatureCount])).Values;

        Assert.IsType<KernelMixtureEnergy>(loaded.Energy);
        // Format 2: 0.1 reads format 1 and cannot hold a kernel term, so it must refuse the file by its version.
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(Tests.Persistence.ArchiveEditing.Entries(file.ToArray())["manifest.json"])!;
        Assert.Equal(ModelFormat.Version, manifest["formatVersion"]!.GetValue<int>());
        Assert.Equal(energy, loadedEnergy);
        Assert.Equal(logDensity, loadedLogDensity);
        Assert.NotNull(ManagedScorer.TryCreate(model.Standardizer, model.Energy, ScalarType.Float32));
        OnnxTestRunner.AssertClose(energy[..3], fewEnergy, scale: 1);
        OnnxTestRunner.AssertClose(logDensity[..3], fewLogDensity, scale: 1);
        OnnxTestRunner.AssertClose(logDensity, onnxLogDensity, scale: 1);
    }

    [Fact]
    public void ExtremeFiniteRowsScoreFiniteOnEveryPath()
    {
        var model = fitted.Model;
        float[] values = [float.MaxValue, -float.MaxValue, 1e30f, -1e-30f, 0, 5];
        var rows = Enumerable.Range(0, 20).Select(i => new[] { values[i % 6], values[(i + 1) % 6], values[(i + 3) % 6] }).ToArray();
        using var onnx = new OnnxTestRunner(EnergyModelOnnxExporter.Scoring(model));

        var (manyEnergy, manyLogDensity) = Score(model, rows);
        var (fewEnergy, fewLogDensity) = Score(model, rows[..6]);
        var onnxLogDensity = onnx.Run("LogDensity", ("Features", rows.SelectMany(r => r).ToArray(), [rows.Length, 3])).Values;

        Assert.All(manyEnergy.Concat(manyLogDensity).Concat(fewEnergy).Concat(fewLogDensity).Concat(onnxLogDensity), v => Assert.True(float.IsFinite(v), $"{v}"));
    }

    [Fact]
    public void TrainingRowsScoreLikeNewRowsSoTheThresholdHoldsAndExplanationsAddUp()
    {
        var model = fitted.Model;
        var fresh = Clusters(1000, seed: 9);
        var (_, logDensity) = Score(model, fresh);
        var (_, trainingLogDensity) = Score(model, Clusters(600, seed: 1));
        // Five fresh rows and five training rows (kernel centers, whose own center stays out of the whole path).
        var explained = fresh.Take(5).Concat(Clusters(600, seed: 1).Take(5)).ToArray();
        var contributions = new float[30];

        model.Explain(explained.SelectMany(r => r).ToArray(), contributions);

        // A training row is scored without its own kernel, so the threshold holds for rows the fit has not seen, and
        // training rows score like them (with their own kernel they would score far higher).
        Assert.InRange(logDensity.Count(l => -l > model.ScoreThreshold) / 1000.0, 0.14, 0.26);
        Assert.InRange(trainingLogDensity.Average() - logDensity.Average(), -0.3, 0.3);
        var (origin, _) = Score(model, [model.Standardizer.Mean.Select(m => (float)m).ToArray()]);
        var (energies, _) = Score(model, explained);
        for (int r = 0; r < 10; r++)
        {
            double difference = energies[r] - origin[0];
            Assert.Equal(difference, contributions.Skip(3 * r).Take(3).Sum(), IntegratedGradients.AbsoluteTolerance + IntegratedGradients.RelativeTolerance * Math.Abs(difference) + 2e-3);
        }
    }

    [Fact]
    public void SamplesDrawTheKernelsShareFromTheKernel()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var flow = NormalizingFlow.Create(2, new FlowOptions(Blocks: 1, HiddenWidth: 4), seed: 1);
        using var initialization = new Generator(1);
        var inner = new EnergyOptions(EnergyNetworkKind.TiltedFlow, [4], TiltBound: 1, Confinement: 0, TailWeight: 0).Create(flow, initialization);
        // The centers lie far from the flow's mass, so a draw's origin shows in its position.
        using var energy = new KernelMixtureEnergy(inner, full(new long[] { 4, 2 }, 20f), 0.1, 0.3, 0);
        using var random = new Generator(4);

        var (rows, _, effective) = EnergySampler.Draw(energy, flow, 20_000, random);

        double share = rows.select(1, 0).AtLeast(10).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(share, 0.28, 0.32);
        Assert.Equal(20_000, effective);
    }

    // E(u) = |u|² / 2: the standard normal with log Z = d/2 log 2π.
    private static MlpEnergy GaussianEnergy(int dimension)
    {
        var energy = new MlpEnergy(dimension, [4], confinement: 1);
        using (no_grad()) foreach (var parameter in energy.parameters()) parameter.zero_();
        return energy;
    }

    // Four tight clusters (standard deviation 0.3) at the corners of a 3-D simplex of side 10.
    internal static float[][] Clusters(int count, int seed)
    {
        var random = new Random(seed);
        float[][] corners = [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10]];
        return Enumerable.Range(0, count).Select(i =>
        {
            var corner = corners[random.Next(4)];
            return corner.Select(c => (float)(c + 0.3 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();
        }).ToArray();
    }

    private static (float[] Energy, float[] LogDensity) Score(EnergyModel model, float[][] rows)
    {
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        model.Score(rows.SelectMany(r => r).ToArray(), energy, logDensity);
        return (energy, logDensity);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(double value) => 0;
    }
}
