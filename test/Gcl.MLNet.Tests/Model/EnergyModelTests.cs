using Gcl.MLNet.Inference;
using Gcl.MLNet.Native;
using Gcl.MLNet.Tests.Onnx;
using Gcl.MLNet.Tests.Support;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Model;

/// <summary>
/// The contract of <see cref="EnergyModel.Score"/> and <see cref="EnergyModel.Sample"/> on a hand-built, perturbed
/// float32 model over the 30 wdbc features (raw scales 1e-3 to 1e3, so a missing standardization shows): the
/// density formula, argument checks, disposal, agreement of the managed path (at most
/// <see cref="ManagedScorer.MaxRows"/> rows a call) with the batched TorchSharp path, thread safety, and sampling.
/// </summary>
public sealed class EnergyModelTests : IClassFixture<EnergyModelTests.WdbcModel>
{
    private readonly EnergyModel model;
    private readonly float[][] rows;

    public EnergyModelTests(WdbcModel fixture)
    {
        model = fixture.Model;
        rows = fixture.Rows;
    }

    [Theory]
    [InlineData(5)]     // managed path
    [InlineData(40)]    // TorchSharp path
    public void LogDensityIsMinusEnergyMinusLogZPlusTheStandardizationLogDeterminant(int count)
    {
        var (energy, logDensity) = Score(rows.Take(count));
        double offset = -model.Partition.LogZ + model.Summary.StandardizationLogDeterminant;
        Assert.Equal(1.2345, model.Partition.LogZ);
        Assert.True(Math.Abs(model.Summary.StandardizationLogDeterminant) > 1, "the standardization should move log-densities");

        var expectedEnergy = EnergyOfManuallyStandardized(rows.Take(count).ToArray());
        for (int i = 0; i < count; i++)
        {
            double expected = -(double)energy[i] + offset;
            Assert.True(Math.Abs(logDensity[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                $"row {i}: log-density {logDensity[i]}, -E - log Z + log det {expected}");
            Assert.True(Math.Abs(energy[i] - expectedEnergy[i]) <= 1e-4 * Math.Max(1, Math.Abs(expectedEnergy[i])),
                $"row {i}: energy {energy[i]}, E((x - mean) / scale) {expectedEnergy[i]}");
        }
    }

    [Fact]
    public void ManagedAndBatchedPathsAgreeRowByRow()
    {
        Assert.NotNull(ManagedScorer.TryCreate(model.Standardizer, model.Energy, ScalarType.Float32));
        using var generator = new Generator(21);
        var all = rows.Concat(OnnxTestEnergyModels.RandomRows(model, 30, spread: 3, generator)).ToArray();
        var (batchedEnergy, batchedLogDensity) = Score(all);   // one call of 144 rows: TorchSharp

        for (int start = 0; start < all.Length; start += ManagedScorer.MaxRows)
        {
            var chunk = all.Skip(start).Take(ManagedScorer.MaxRows).ToArray();   // at most 16 rows: managed
            var (energy, logDensity) = Score(chunk);
            for (int i = 0; i < chunk.Length; i++)
            {
                AssertRelative(batchedEnergy[start + i], energy[i], 1e-4, $"energy of row {start + i}");
                AssertRelative(batchedLogDensity[start + i], logDensity[i], 1e-4, $"log-density of row {start + i}");
            }
        }

        // Either side of the boundary: 16 rows (managed) and the same 16 inside a call of 17 (TorchSharp).
        var (sixteen, _) = Score(all.Take(ManagedScorer.MaxRows));
        var (seventeen, _) = Score(all.Take(ManagedScorer.MaxRows + 1));
        for (int i = 0; i < ManagedScorer.MaxRows; i++) AssertRelative(seventeen[i], sixteen[i], 1e-4, $"energy of row {i} at the boundary");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    public void WrongLengthsThrowArgumentException(int count)
    {
        int d = model.FeatureCount;
        var flat = rows.Take(count).SelectMany(r => r).ToArray();

        Assert.Throws<ArgumentException>(() => model.Score(flat.AsSpan(0, flat.Length - 1), new float[count], new float[count]));
        Assert.Throws<ArgumentException>(() => model.Score(flat.AsSpan(0, flat.Length + 1 - d), new float[count], new float[count]));
        Assert.Throws<ArgumentException>(() => model.Score(flat, new float[count - 1], new float[count]));
        Assert.Throws<ArgumentException>(() => model.Score(flat, new float[count], new float[count + 1]));
        Assert.Throws<ArgumentException>(() => model.Score(flat, Span<float>.Empty, Span<float>.Empty));
    }

    [Theory]
    [InlineData(float.NaN, 3)]
    [InlineData(float.PositiveInfinity, 3)]
    [InlineData(float.NegativeInfinity, 3)]
    [InlineData(float.NaN, 20)]
    [InlineData(float.PositiveInfinity, 20)]
    public void NonFiniteFeaturesThrowArgumentExceptionNamingTheRowAndFeature(float value, int count)
    {
        var flat = rows.Take(count).SelectMany(r => r).ToArray();
        flat[1 * model.FeatureCount + 7] = value;
        var energy = new float[count];
        var logDensity = new float[count];

        var error = Assert.Throws<ArgumentException>(() => model.Score(flat, energy, logDensity));

        Assert.Contains("Row 1, feature 7", error.Message);
        Assert.All(logDensity, v => Assert.Equal(0f, v));   // nothing scored before the check
    }

    [Fact]
    public void ZeroRowsScoreToNothing()
    {
        model.Score(ReadOnlySpan<float>.Empty, Span<float>.Empty, Span<float>.Empty);
        Assert.Throws<ArgumentException>(() => model.Score(ReadOnlySpan<float>.Empty, new float[1], Span<float>.Empty));
        var (samples, energy, logDensity) = model.Sample(0, seed: 1);
        Assert.Equal(0, samples.Length + energy.Length + logDensity.Length);
    }

    [Fact]
    public void ADisposedModelThrowsObjectDisposedException()
    {
        var disposable = WdbcModel.Build(seed: 6);
        var flat = rows[0];
        disposable.Score(flat, new float[1], new float[1]);
        disposable.Dispose();
        disposable.Dispose();   // twice is harmless

        Assert.Throws<ObjectDisposedException>(() => disposable.Score(flat, new float[1], new float[1]));
        Assert.Throws<ObjectDisposedException>(() => disposable.Score(rows.Take(20).SelectMany(r => r).ToArray(), new float[20], new float[20]));
        Assert.Throws<ObjectDisposedException>(() => disposable.Sample(3, seed: 1));
    }

    [Fact]
    public void ConcurrentScoreCallsGiveTheSequentialResults()
    {
        // Call sizes on both paths: 1 and 16 rows (managed), 17 and all 114 (TorchSharp).
        int[] sizes = [1, 3, 16, 17, rows.Length];
        float[][] ScoreAll(int rotation)
        {
            var results = new List<float[]>();
            for (int k = 0; k < 20; k++)
            {
                int size = sizes[(k + rotation) % sizes.Length];
                int start = (7 * k) % (rows.Length - size + 1);
                results.Add(Score(rows.Skip(start).Take(size)).LogDensity);
            }
            return [.. results];
        }
        var sequential = Enumerable.Range(0, 4).Select(ScoreAll).ToArray();

        var concurrent = Concurrently.Run(4, ScoreAll);

        for (int t = 0; t < 4; t++) Assert.Equal(sequential[t], concurrent[t]);
    }

    [Fact]
    public void SampleGivesCountRowsOfFeatureCountValuesReproduciblyPerSeed()
    {
        var first = model.Sample(25, seed: 3);
        var again = model.Sample(25, seed: 3);
        var other = model.Sample(25, seed: 4);

        Assert.Equal(25 * model.FeatureCount, first.Rows.Length);
        Assert.Equal(25, first.Energy.Length);
        Assert.Equal(25, first.LogDensity.Length);
        Assert.All(first.Rows, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(first.Rows, again.Rows);
        Assert.Equal(first.LogDensity, again.LogDensity);
        Assert.NotEqual(first.Rows, other.Rows);
        Assert.True(first.Rows.Zip(other.Rows).Count(p => p.First != p.Second) > first.Rows.Length / 2, "another seed should redraw the rows");
    }

    [Fact]
    public void GeneratorSamplesAreTheGeneratorsDrawsInRawUnitsWithTheirScores()
    {
        const int count = 40;
        var samples = model.Sample(count, seed: 8, SampleSource.Generator);
        var (sampled, energy, logDensity) = samples;
        Assert.Equal((SampleSource.Generator, count, (long)count), (samples.Source, samples.Count, samples.Proposals));

        Tensor draws;
        using (var generator = new Generator(8)) draws = model.Generator.Sample(count, generator);
        var expected = draws.to(ScalarType.Float64).data<double>().ToArray();
        var mean = model.Standardizer.Mean;
        var scale = model.Standardizer.Scale;
        for (int i = 0; i < sampled.Length; i++)
        {
            double standardized = (sampled[i] - mean[i % model.FeatureCount]) / scale[i % model.FeatureCount];
            Assert.True(Math.Abs(standardized - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])),
                $"value {i}: sampled row standardizes to {standardized}, the generator drew {expected[i]}");
        }
        draws.Dispose();

        var (scoredEnergy, scoredLogDensity) = Score(Enumerable.Range(0, count).Select(i => sampled.AsSpan(i * model.FeatureCount, model.FeatureCount).ToArray()));
        Assert.Equal(scoredEnergy, energy);
        Assert.Equal(scoredLogDensity, logDensity);
    }

    [Fact]
    public void ANegativeSampleCountThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(-1, seed: 1));
    }

    private (float[] Energy, float[] LogDensity) Score(IEnumerable<float[]> selected)
    {
        var chosen = selected.ToArray();
        var energy = new float[chosen.Length];
        var logDensity = new float[chosen.Length];
        model.Score(chosen.SelectMany(r => r).ToArray(), energy, logDensity);
        return (energy, logDensity);
    }

    // E(u) with u = (x - mean) / scale computed here in float64, then evaluated by TorchSharp.
    private double[] EnergyOfManuallyStandardized(float[][] selected)
    {
        var mean = model.Standardizer.Mean;
        var scale = model.Standardizer.Scale;
        var u = selected.SelectMany(r => r.Select((v, j) => (float)((v - mean[j]) / scale[j]))).ToArray();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.Energy.forward(tensor(u, selected.Length, model.FeatureCount)).to(ScalarType.Float64).data<double>().ToArray();
    }

    private static void AssertRelative(float expected, float actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    /// <summary>One perturbed tilted-flow model over the wdbc rows, shared by the tests of the class.</summary>
    public sealed class WdbcModel : IDisposable
    {
        public WdbcModel() => Model = Build(seed: 5);

        public EnergyModel Model { get; }

        public float[][] Rows => WdbcRows.Rows;

        public static EnergyModel Build(ulong seed)
        {
            TorchRuntime.EnsureLoaded();
            return OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.AffineCoupling, EnergyNetworkKind.TiltedFlow, seed);
        }

        public void Dispose() => Model.Dispose();
    }
}
