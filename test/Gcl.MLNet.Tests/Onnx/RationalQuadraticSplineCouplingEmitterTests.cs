using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class RationalQuadraticSplineCouplingEmitterTests(ITestOutputHelper output)
{
    private const double Bound = 2;

    [Theory]
    [InlineData(1, 0, false)]
    [InlineData(1, 1, true)]
    [InlineData(2, 1, true)]
    [InlineData(5, 0, false)]
    [InlineData(5, 0, true)]
    [InlineData(5, 1, false)]
    [InlineData(5, 1, true)]
    [InlineData(6, 0, true)]
    public void BothDirectionsAndParitiesMatchTorchSharpInsideAndInTheTails(int dimension, int parity, bool inverse)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(70 + dimension + 10 * parity));
        using var layer = new RationalQuadraticSplineCoupling("coupling", dimension, parity, 16, 2, bins: 5, Bound, generator);
        OnnxTestEnergyModels.Perturb(layer, generator);
        var x = randn(200, dimension, generator: generator) * 2;

        var (outputDifference, logDetDifference) = FlowLayerParity.AssertMatches(layer, x, inverse);

        double tails = x.abs().gt(Bound).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(tails, 0.2, 0.5); // a fair share of the inputs lies in the identity tails
        output.WriteLine($"d {dimension}, parity {parity}, inverse {inverse}: |Δy| {outputDifference:E2}, |Δ log det| {logDetDifference:E2}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ValuesOnTheBoundaryAndFarOutsideMatchTorchSharp(bool inverse)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(79);
        using var layer = new RationalQuadraticSplineCoupling("coupling", 2, 0, 16, 1, bins: 4, Bound, generator);
        OnnxTestEnergyModels.Perturb(layer, generator);
        float b = (float)Bound;
        var x = tensor(new[] { 0.3f, -b, 1, b, -0.7f, 0, 2, 1e3f, -1, -1e3f, 0.5f, b * (1 + 1e-7f), 0.5f, -b * (1 + 1e-7f) }, 7, 2);

        FlowLayerParity.AssertMatches(layer, x, inverse);
    }
}
