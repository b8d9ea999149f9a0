using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class StandardizerTests
{
    [Fact]
    public void StreamedFitMatchesTwoPassMomentsEvenFarFromZero()
    {
        // A large common offset ruins the naive sum-of-squares formula in double; Welford's update does not care.
        var random = new Random(3);
        var rows = Enumerable.Range(0, 2000).Select(_ => new[] { (float)(1e6 + 10 * random.NextDouble()), (float)(random.NextDouble() * 10 - 5) }).ToArray();
        var standardizer = Standardizer.Fit(rows);

        for (int j = 0; j < 2; j++)
        {
            double mean = rows.Average(r => (double)r[j]);
            double std = Math.Sqrt(rows.Average(r => ((double)r[j] - mean) * ((double)r[j] - mean)));
            Assert.True(Math.Abs(standardizer.Mean[j] - mean) <= 1e-13 * Math.Abs(mean), $"mean {standardizer.Mean[j]} vs {mean}");
            Assert.True(Math.Abs(standardizer.Scale[j] - std) <= 1e-9 * std, $"std {standardizer.Scale[j]} vs {std}");
        }
        Assert.Empty(standardizer.ConstantFeatures);
    }

    [Fact]
    public void TensorFitAgreesWithStreamedFit()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = randn(300, 4, generator: new Generator(2)) * 3 + 1;
        var rows = Enumerable.Range(0, 300).Select(i => x[i].data<float>().ToArray());
        var fromTensor = Standardizer.Fit(x);
        var streamed = Standardizer.Fit(rows);
        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(streamed.Mean[j], fromTensor.Mean[j], 12);
            Assert.Equal(streamed.Scale[j], fromTensor.Scale[j], 12);
        }
    }

    [Fact]
    public void ConstantFeaturesGetUnitScaleAndAreListed()
    {
        var rows = new[] { new[] { 1f, 5f, 0f, 2f }, new[] { 2f, 5f, 0f, 2f + 1e-7f }, new[] { 4f, 5f, 0f, 2f } };
        var standardizer = Standardizer.Fit(rows);
        Assert.Equal(new[] { 1, 2, 3 }, standardizer.ConstantFeatures);
        Assert.Equal(new[] { 1.0, 1.0, 1.0 }, standardizer.Scale.Skip(1));
        Assert.Equal(-Math.Log(standardizer.Scale[0]), standardizer.LogDetToRaw, 12);
    }

    [Fact]
    public void FeaturesWithARepeatedFloorOrCeilingAreTiedInBothFits()
    {
        TorchRuntime.EnsureLoaded();
        var random = new Random(4);
        // Feature 0 continuous; 1 zero in 30% of rows (a floor); 2 saturated at 16 in 12%; 3 zero in 5% (below the share); 4 constant.
        var rows = Enumerable.Range(0, 1000).Select(i => new[]
        {
            (float)random.NextDouble(),
            i % 10 < 3 ? 0f : 1 + (float)random.NextDouble(),
            i % 25 < 3 ? 16f : 15 * (float)random.NextDouble(),
            i % 20 == 0 ? 0f : 1 + (float)random.NextDouble(),
            7f,
        }).ToArray();

        var streamed = Standardizer.Fit(rows);
        using var table = tensor(rows.SelectMany(r => r).ToArray(), 1000, 5);
        var fromTensor = Standardizer.Fit(table);

        Assert.Equal(new[] { 1, 2, 4 }, streamed.TiedFeatures);
        Assert.Equal(streamed.TiedFeatures, fromTensor.TiedFeatures);
        Assert.Empty(new Standardizer(streamed.Mean, streamed.Scale).TiedFeatures);
    }

    [Fact]
    public void ApplyAndInvertAreInversesInTheInputsDtype()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var standardizer = new Standardizer(new[] { 10.0, -2.0 }, new[] { 4.0, 0.5 });
        var x = tensor(new[,] { { 14.0, -1.0 }, { 6.0, -2.5 } });
        var u = standardizer.Apply(x);
        Assert.Equal(ScalarType.Float64, u.dtype);
        Assert.Equal(new[] { 1.0, 2.0, -1.0, -1.0 }, u.flatten().data<double>().ToArray());
        Assert.Equal(0.0, (standardizer.Invert(u) - x).abs().max().item<double>(), 12);
    }

    [Fact]
    public void LogDetToRawConvertsAStandardizedDensityIntoRawUnits()
    {
        // A N(m, s^2) density in raw units equals N(0, 1) at u = (x - m) / s plus LogDetToRaw.
        var standardizer = new Standardizer(new[] { 3.0, -1.0 }, new[] { 2.0, 0.25 });
        double[] x = { 4.0, -1.5 };
        double raw = 0, standardized = 0;
        for (int j = 0; j < 2; j++)
        {
            double u = (x[j] - standardizer.Mean[j]) / standardizer.Scale[j];
            standardized += -0.5 * u * u - 0.5 * Math.Log(2 * Math.PI);
            raw += -0.5 * u * u - 0.5 * Math.Log(2 * Math.PI) - Math.Log(standardizer.Scale[j]);
        }
        Assert.Equal(raw, standardized + standardizer.LogDetToRaw, 12);
    }

    [Theory]
    [InlineData(new[] { 0.0, 1.0 }, new[] { 1.0 }, "The scale has 1 features but the mean has 2.")]
    [InlineData(new[] { double.NaN }, new[] { 1.0 }, "Mean of feature 0 is not finite (NaN).")]
    [InlineData(new[] { 0.0, 0.0 }, new[] { 1.0, 0.0 }, "Scale of feature 1 must be finite and positive (got 0).")]
    [InlineData(new double[0], new double[0], "A standardizer needs at least one feature.")]
    public void SavedArraysAreValidated(double[] mean, double[] scale, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new Standardizer(mean, scale));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void RaggedOrNonFiniteRowsAreRejected()
    {
        var ragged = Assert.Throws<ArgumentException>(() => Standardizer.Fit(new[] { new[] { 1f, 2f }, new[] { 1f } }));
        Assert.StartsWith("Row 1 has 1 features; expected 2 (at least 1).", ragged.Message);
        var infinite = Assert.Throws<ArgumentException>(() => Standardizer.Fit(new[] { new[] { 1f, float.PositiveInfinity } }));
        Assert.StartsWith("Row 0, feature 1 is not finite (Infinity).", infinite.Message);
        Assert.Throws<ArgumentException>(() => Standardizer.Fit(Array.Empty<float[]>()));
    }

    [Fact]
    public void ReturnedArraysAreCopies()
    {
        var standardizer = new Standardizer(new[] { 1.0 }, new[] { 2.0 });
        standardizer.Mean[0] = 99;
        standardizer.Scale[0] = 99;
        Assert.Equal(1.0, standardizer.Mean[0]);
        Assert.Equal(2.0, standardizer.Scale[0]);
    }
}
