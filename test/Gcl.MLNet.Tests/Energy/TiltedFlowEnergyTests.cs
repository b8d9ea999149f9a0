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

    [Fact]
    public void TheFixedPartIsTheFrozenBaseAndHandingItInChangesNeitherValuesNorGradients()
    {
        // The adversarial iteration computes -log b once on its samples and hands it to both steps.
        TorchRuntime.EnsureLoaded();
        using var energy = TiltedEnergy();
        using var scope = NewDisposeScope();
        using var random = new Generator(10);
        var u = (randn(7, 3, dtype: float64, generator: random) * 1.5).requires_grad_();

        var fixedPart = energy.FixedPart(u);
        using (no_grad())
        {
            Assert.True(allclose(fixedPart, energy.BaseLogProb(u).neg(), rtol: 1e-12, atol: 1e-12));
        }
        var (value, penalized) = energy.ForwardWithPenalized(u, fixedPart);
        var loss = value.sum() + penalized.square().sum();
        var parameters = energy.parameters().Where(p => p.requires_grad).ToArray();
        var handedIn = autograd.grad([loss], [u, .. parameters], retain_graph: true);
        var (direct, directPenalized) = energy.ForwardWithPenalized(u);
        var computed = autograd.grad([direct.sum() + directPenalized.square().sum()], [u, .. parameters]);

        using (no_grad())
        {
            Assert.True(allclose(value, energy.forward(u), rtol: 1e-12, atol: 1e-12));
        }
        Assert.Equal(computed.Count, handedIn.Count);
        for (int i = 0; i < computed.Count; i++) Assert.True(allclose(handedIn[i], computed[i], rtol: 1e-10, atol: 1e-12), $"gradient {i} differs");
        Assert.True(handedIn[0].abs().max().item<double>() > 1e-3, "the energy should depend on the rows");
        // A training step moves only the trainable parameters, and they do not reach the fixed part.
        using (no_grad())
        {
            foreach (var parameter in parameters) parameter.add_(0.5);
            Assert.True(allclose(energy.FixedPart(u), fixedPart, rtol: 0, atol: 0));
            Assert.False(allclose(energy.forward(u), value, rtol: 1e-6, atol: 1e-6), "the tilt should have moved");
        }
    }

    [Fact]
    public void TheTailCapsTheEnergyOfFarRowsAndBarelyMovesNearOnes()
    {
        TorchRuntime.EnsureLoaded();
        using var energy = TiltedEnergy();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new Generator(9);
        var near = randn(200, 3, dtype: float64, generator: random);
        var directions = randn(200, 3, dtype: float64, generator: random);
        var far = directions / directions.norm(1, keepdim: true) * 40;
        double eps = energy.TailWeight;

        // Near the data the flow dominates: the base is log(1 - eps) + log(1 + eps T / ((1 - eps) q)) from the flow.
        var shift = energy.BaseLogProb(near) - energy.Reference.LogProb(near);
        Assert.True(shift.min().item<double>() >= Math.Log(1 - eps) - 1e-12);
        Assert.True(shift.mean().item<double>() < 0.03, $"the tail moved near rows by {shift.mean().item<double>():F3} nats on average");

        // Far away the Gaussian-tailed flow charges hundreds of nats more than the cap log eps + log T - c.
        var cap = energy.Tail.LogProb(far) + Math.Log(eps) - energy.TiltBound;
        Assert.True((energy.forward(far).neg() - cap).min().item<double>() >= -1e-9);
        Assert.True((cap - energy.Reference.LogProb(far)).min().item<double>() > 100, "the flow alone should fall off a cliff this far out");
    }

    [Fact]
    public void BaseDrawsFollowTheMixtureOfFlowAndTail()
    {
        TorchRuntime.EnsureLoaded();
        var flow = NormalizingFlow.Create(3, new FlowOptions(Blocks: 1, HiddenWidth: 4), seed: 2);
        using var energy = new TiltedFlowEnergy(flow, [4], tiltBound: 1, tailWeight: 0.3, new Generator(1));
        using var scope = NewDisposeScope();
        using var random = new Generator(10);
        var draws = energy.SampleBase(20_000, random);
        Assert.Equal(new long[] { 20_000, 3 }, draws.shape);
        // The Cauchy tail puts about 0.3 * P(|u| > 20) of the draws beyond radius 20, the flow (a Gaussian at init) none.
        double beyond = draws.square().sum(1).sqrt().AtLeast(20).to(float64).mean().item<double>();
        Assert.InRange(beyond, 0.3 * 0.015, 0.3 * 0.06);
    }

    // A tilted energy in float64 over a 3-D flow, its tilt moved away from zero so that both parts matter.
    private static TiltedFlowEnergy TiltedEnergy()
    {
        var flow = NormalizingFlow.Create(3, new FlowOptions(Blocks: 2, HiddenWidth: 8), seed: 5);
        var energy = new TiltedFlowEnergy(flow, [8, 8], tiltBound: 2, tailWeight: 0.01, new Generator(6));
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
