using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class AffineCouplingEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 0, false)]
    [InlineData(1, 1, true)]
    [InlineData(2, 0, true)]
    [InlineData(5, 0, false)]
    [InlineData(5, 0, true)]
    [InlineData(5, 1, false)]
    [InlineData(5, 1, true)]
    [InlineData(6, 1, false)]
    public void BothDirectionsAndParitiesMatchTorchSharp(int dimension, int parity, bool inverse)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(50 + dimension + 10 * parity));
        using var layer = new AffineCoupling("coupling", dimension, parity, hiddenWidth: 16, hiddenLayers: 2, logScaleBound: 1.5, generator);
        OnnxTestEnergyModels.Perturb(layer, generator);
        var x = randn(40, dimension, generator: generator) * 2;

        var (outputDifference, logDetDifference) = FlowLayerParity.AssertMatches(layer, x, inverse);

        using (no_grad())
        {
            Assert.True(layer.Forward(x).LogAbsDet.abs().mean().item<float>() > 0.05, "the layer should not preserve volume");
        }
        output.WriteLine($"d {dimension}, parity {parity}, inverse {inverse}: |Δy| {outputDifference:E2}, |Δ log det| {logDetDifference:E2}");
    }
}
