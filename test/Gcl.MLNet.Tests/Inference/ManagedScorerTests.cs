using Gcl.MLNet.Inference;
using Gcl.MLNet.Tests.Onnx;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Inference;

/// <summary>The managed few-row scoring path against TorchSharp's batched path on the same model.</summary>
public sealed class ManagedScorerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(EnergyNetworkKind.TiltedFlow)]
    [InlineData(EnergyNetworkKind.Mlp)]
    public void OneRowAtATimeMatchesTorchSharpOnRealAndFarRows(EnergyNetworkKind energyKind)
    {
        var rows = WdbcRows.Rows;
        using var model = OnnxTestEnergyModels.Model(rows, FlowLayerKind.AffineCoupling, energyKind, seed: 5);
        using var generator = new Generator(9);
        var all = rows.Concat(OnnxTestEnergyModels.RandomRows(model, 60, spread: 4, generator)).ToArray();
        Assert.True(all.Length > ManagedScorer.MaxRows);
        var flat = all.SelectMany(r => r).ToArray();
        var torchEnergy = new float[all.Length];
        var torchLogDensity = new float[all.Length];
        model.Score(flat, torchEnergy, torchLogDensity);   // more rows than MaxRows: the TorchSharp path

        double largest = 0;
        for (int i = 0; i < all.Length; i++)
        {
            var energy = new float[1];
            var logDensity = new float[1];
            model.Score(all[i], energy, logDensity);
            largest = Math.Max(largest, Math.Abs(logDensity[0] - torchLogDensity[i]) / Math.Max(1, Math.Abs(torchLogDensity[i])));
            AssertClose(torchEnergy[i], energy[0], $"energy of row {i}");
            AssertClose(torchLogDensity[i], logDensity[0], $"log-density of row {i}");
        }
        output.WriteLine($"{energyKind}: largest LogDensity difference {largest:E2} (relative above 1)");
    }

    [Fact]
    public void SplineFlowsAndFloat64ModelsKeepTheTorchSharpPath()
    {
        var rows = WdbcRows.Rows;
        using var spline = OnnxTestEnergyModels.Model(rows, FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.TiltedFlow, seed: 5);
        using var affine = OnnxTestEnergyModels.Model(rows, FlowLayerKind.AffineCoupling, EnergyNetworkKind.TiltedFlow, seed: 5);

        Assert.Null(ManagedScorer.TryCreate(spline.Standardizer, spline.Energy, ScalarType.Float32));
        Assert.Null(ManagedScorer.TryCreate(affine.Standardizer, affine.Energy, ScalarType.Float64));
        Assert.NotNull(ManagedScorer.TryCreate(affine.Standardizer, affine.Energy, ScalarType.Float32));
    }

    // float32 arithmetic in a different order: a few units in the last place of terms near 100 nats.
    private static void AssertClose(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 2e-5 * Math.Max(1, Math.Abs(expected)), $"{what}: TorchSharp {expected}, managed {actual}");
}
