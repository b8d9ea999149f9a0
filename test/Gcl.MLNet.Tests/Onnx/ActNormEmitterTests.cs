using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class ActNormEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(6, false)]
    [InlineData(6, true)]
    public void BothDirectionsMatchTorchSharpAfterDataInitialization(int dimension, bool inverse)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(31);
        using var layer = new ActNorm("actnorm", dimension);
        layer.InitializeFromData(randn(50, dimension, generator: generator) * 3 + 5);
        OnnxTestEnergyModels.Perturb(layer, generator);
        var x = randn(33, dimension, generator: generator) * 4;

        var (outputDifference, logDetDifference) = FlowLayerParity.AssertMatches(layer, x, inverse);

        Assert.True(Math.Abs(layer.LogScale.sum().item<float>()) > 0.1, "the layer should not preserve volume");
        output.WriteLine($"d {dimension}, inverse {inverse}: |Δy| {outputDifference:E2}, |Δ log det| {logDetDifference:E2}");
    }
}
