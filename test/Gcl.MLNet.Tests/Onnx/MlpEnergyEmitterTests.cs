using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class MlpEnergyEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    [InlineData(2.0)]
    public void EnergyMatchesTorchSharpWithAndWithoutConfinement(double confinement)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(111);
        using var energy = new MlpEnergy(6, [32, 32], confinement, generator);
        OnnxTestEnergyModels.Perturb(energy, generator);
        var u = randn(300, 6, generator: generator) * 2;

        using var runner = new OnnxTestRunner(OnnxTestModels.EnergyOnlyModel(energy));
        var (actual, shape) = runner.Run("Energy", "Features", u);

        Assert.Equal(new long[] { 300 }, shape);
        using var noGrad = no_grad();
        var expected = energy.forward(u);
        Assert.True(energy.Network.forward(u).std().item<float>() > 0.1, "the network part should vary across rows");
        output.WriteLine($"confinement {confinement}: |ΔE| {OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(expected), actual):E2}");
    }

    [Fact]
    public void ConfinementTermIsLeftOutWhenItsWeightIsZero()
    {
        TorchRuntime.EnsureLoaded();
        using var free = new MlpEnergy(3, [4], 0.0);
        using var confined = new MlpEnergy(3, [4], 0.5);

        var freeOps = OnnxTestModels.EnergyOnlyOps(free);
        var confinedOps = OnnxTestModels.EnergyOnlyOps(confined);

        Assert.DoesNotContain("ReduceSum", freeOps);
        Assert.Equal(freeOps.Length + 4, confinedOps.Length); // Mul (square), ReduceSum, Mul (weight), Add
    }
}
