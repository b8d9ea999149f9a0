using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Energy;

public sealed class TiltedFlowEnergyTests
{
    [Fact]
    public void ForwardWithPenalizedMatchesTheSeparateCallsInValueAndGradient()
    {
        TorchRuntime.EnsureLoaded();
        using var energy = TiltedEnergy();
        using var scope = NewDisposeScope();
        using var random = new Generator(8);
        var u = randn(7, 3, dtype: float64, generator: random) * 1.5;

        var (value, penalized) = energy.ForwardWithPenalized(u);
        var together = Gradients(energy, value.sum() + penalized.square().sum());
        var separate = Gradients(energy, energy.forward(u).sum() + energy.PenalizedPart(u).square().sum());

        using (no_grad())
        {
            Assert.True(allclose(value, energy.forward(u), rtol: 1e-12, atol: 1e-12));
            Assert.True(allclose(penalized, energy.PenalizedPart(u), rtol: 1e-12, atol: 1e-12));
        }
        Assert.True(penalized.abs().max().item<double>() > 0.01, "the tilt should be active");
        Assert.Equal(separate.Length, together.Length);
        for (int i = 0; i < separate.Length; i++) Assert.True(allclose(together[i], separate[i], rtol: 1e-10, atol: 1e-12));
    }

    // A tilted energy in float64 over a 3-D flow, its tilt moved away from zero so that both parts matter.
    private static TiltedFlowEnergy TiltedEnergy()
    {
        var flow = NormalizingFlow.Create(3, new FlowOptions(Blocks: 2, HiddenWidth: 8), seed: 5);
        var energy = new TiltedFlowEnergy(flow, [8, 8], tiltBound: 2, new Generator(6));
        energy.to(float64);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new Generator(7);
        flow.InitializeFromData(randn(64, 3, dtype: float64, generator: random));
        foreach (var parameter in energy.Tilt.parameters()) parameter.add_(0.3 * randn(parameter.shape, dtype: float64, generator: random));
        return energy;
    }

    private static Tensor[] Gradients(TiltedFlowEnergy energy, Tensor loss)
    {
        var parameters = energy.parameters().Where(p => p.requires_grad).ToArray();
        foreach (var p in parameters) p.grad?.zero_();
        loss.backward();
        return parameters.Select(p => p.grad!.clone()).ToArray();
    }
}
