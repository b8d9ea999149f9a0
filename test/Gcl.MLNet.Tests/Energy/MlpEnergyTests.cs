using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Energy;

public sealed class MlpEnergyTests
{
    [Fact]
    public void ForwardGivesOneEnergyPerRow()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var energy = new MlpEnergy(4, new[] { 8 }, confinement: 0);
        var output = energy.forward(randn(6, 4));
        Assert.Equal(new long[] { 6 }, output.shape);
    }

    [Fact]
    public void ConfinementAddsHalfItsWeightTimesTheSquaredNorm()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        using var free = new MlpEnergy(3, new[] { 8 }, confinement: 0);
        random.manual_seed(1);
        using var confined = new MlpEnergy(3, new[] { 8 }, confinement: 0.25);
        free.to(float64);
        confined.to(float64);
        var u = randn(5, 3, dtype: float64);

        var difference = confined.forward(u) - free.forward(u);
        var expected = 0.125 * u.square().sum(-1);
        Assert.True(allclose(difference, expected, rtol: 1e-12, atol: 1e-12));
    }

    [Fact]
    public void ForwardWithPenalizedGivesTheWholeEnergyAsItsPenalizedPart()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var initialization = new Generator(3);
        using var energy = new MlpEnergy(3, new[] { 8 }, confinement: 0.1, initialization);
        var u = randn(5, 3, generator: initialization);

        var (value, penalized) = energy.ForwardWithPenalized(u);

        Assert.True(allclose(value, energy.forward(u), rtol: 0, atol: 0));
        Assert.True(allclose(penalized, energy.PenalizedPart(u), rtol: 0, atol: 0));
    }

    [Fact]
    public void NegativeConfinementIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MlpEnergy(3, new[] { 8 }, confinement: -1));
    }
}
