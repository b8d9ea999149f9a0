using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static Gcl.MLNet.Tests.Flows.TestTensors;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class InvertibleLinearTests : BijectorContract<InvertibleLinearTests>
{
    internal override Bijector CreateBijector(int dimension, Generator generator) => new InvertibleLinear("linear", dimension, generator);

    [Fact]
    public void StartsAsARandomRotation()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        using var layer = new InvertibleLinear("linear", 6, generator);
        layer.to(ScalarType.Float64);
        var w = layer.Weight();
        Assert.True(MaxAbs(w.matmul(w.t()) - eye(6, dtype: ScalarType.Float64)) < 1e-6);
        Assert.True(MaxAbs(layer.LogDiagonal.sum()) < 1e-6);
        Assert.True(MaxAbs(w - eye(6, dtype: ScalarType.Float64)) > 0.1, "a rotation mixes features");
    }

    [Fact]
    public void PermutationIsAPermutationMatrixAndInverseWeightInvertsWeight()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var (layer, _) = Setup(5, 41);
        var linear = (InvertibleLinear)layer;
        var p = linear.Permutation;
        Assert.Equal(0.0, MaxAbs(p.sum(0L) - 1));
        Assert.Equal(0.0, MaxAbs(p.sum(1) - 1));
        Assert.Equal(0.0, MaxAbs(p * (1 - p)));
        Assert.True(MaxAbs(linear.InverseWeight().matmul(linear.Weight()) - eye(5, dtype: ScalarType.Float64)) < 1e-12);
    }

    [Fact]
    public void SameGeneratorStateGivesTheSameLayer()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var first = new InvertibleLinear("linear", 4, new Generator(9));
        using var second = new InvertibleLinear("linear", 4, new Generator(9));
        using var third = new InvertibleLinear("linear", 4, new Generator(10));
        Assert.Equal(0.0, MaxAbs(first.Weight() - second.Weight()));
        Assert.True(MaxAbs(first.Weight() - third.Weight()) > 0.01);
    }
}
