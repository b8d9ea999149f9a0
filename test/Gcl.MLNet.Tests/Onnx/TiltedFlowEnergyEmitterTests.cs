using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class TiltedFlowEnergyEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline)]
    public void EnergyMatchesTorchSharpAndTheTiltIsActive(FlowLayerKind kind)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(121);
        using var energy = (TiltedFlowEnergy)OnnxTestEnergyModels.Energy(EnergyNetworkKind.TiltedFlow, 5, kind, generator);
        var u = randn(300, 5, generator: generator) * 1.5;

        using var runner = new OnnxTestRunner(OnnxTestModels.EnergyOnlyModel(energy));
        var (actual, _) = runner.Run("Energy", "Features", u);

        using var noGrad = no_grad();
        var tilt = energy.PenalizedPart(u);
        Assert.True(tilt.abs().mean().item<float>() > 0.2 && tilt.abs().max().item<float>() < energy.TiltBound, "the bounded tilt should matter");
        var expected = OnnxTestRunner.Floats(energy.forward(u));
        output.WriteLine($"{kind}: |ΔE| {OnnxTestRunner.AssertClose(expected, actual):E2}");
    }
}
