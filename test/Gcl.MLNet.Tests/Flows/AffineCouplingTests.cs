using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using static Gcl.MLNet.Tests.Flows.TestTensors;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class AffineCouplingTests : BijectorContract<AffineCouplingTests>
{
    internal override Bijector CreateBijector(int dimension, Generator generator) =>
        new AffineCoupling("coupling", dimension, parity: (int)(dimension % 2), hiddenWidth: 16, hiddenLayers: 2, logScaleBound: 2.0, generator);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(4, 0)]
    [InlineData(5, 1)]
    public void StartsAsTheIdentity(int dimension, int parity)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var layer = new AffineCoupling("coupling", dimension, parity, 8, 1, 3.0, new Generator(1));
        var z = randn(10, dimension);
        var (x, logDet) = layer.Forward(z);
        Assert.Equal(0.0, MaxAbs(x - z));
        Assert.Equal(0.0, MaxAbs(logDet));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void KeepsTheConditioningHalfAndMovesTheOther(int parity)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var layer = new AffineCoupling("coupling", 5, parity, 8, 1, 3.0, new Generator(2));
        TestTensors.Perturb(layer, 0.5, new Generator(3));
        var z = randn(10, 5);
        var x = layer.Forward(z).Output;
        var kept = (Offset: layer.ConditioningOffset, Count: layer.ConditioningCount);
        var moved = (Offset: layer.TransformedOffset, Count: layer.TransformedCount);
        Assert.Equal(parity == 0 ? (0, 2) : (3, 2), kept);
        Assert.Equal(parity == 0 ? (2, 3) : (0, 3), moved);
        Assert.Equal(0.0, MaxAbs(x.narrow(1, kept.Offset, kept.Count) - z.narrow(1, kept.Offset, kept.Count)));
        Assert.True(MaxAbs(x.narrow(1, moved.Offset, moved.Count) - z.narrow(1, moved.Offset, moved.Count)) > 1e-3);
    }

    [Fact]
    public void LogScaleStaysWithinItsBoundForHugeConditionerOutputs()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var layer = new AffineCoupling("coupling", 4, 0, 8, 1, 2.0, new Generator(4));
        TestTensors.Perturb(layer, 50.0, new Generator(5));
        var logDet = layer.Forward(randn(100, 4) * 10).LogAbsDet;
        Assert.True(MaxAbs(logDet) <= 2.0 * layer.TransformedCount + 1e-4, $"|log det| reached {MaxAbs(logDet)}");
        Assert.True(MaxAbs(logDet) > 1.0);
    }
}
