using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class SeededInitializationTests
{
    [Fact]
    public void SameGeneratorSeedGivesTheSameWeightsWithinTorchsDefaultBounds()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var first = new Mlp("mlp", 4, new[] { 16 }, 3);
        using var second = new Mlp("mlp", 4, new[] { 16 }, 3);
        SeededInitialization.Reset(first, new Generator(7), zeroLastLayer: false);
        SeededInitialization.Reset(second, new Generator(7), zeroLastLayer: false);

        var pairs = first.parameters().Zip(second.parameters()).ToList();
        Assert.All(pairs, p => Assert.Equal(0.0, TestTensors.MaxAbs(p.First - p.Second)));
        Assert.True(TestTensors.MaxAbs(first.Layers[0].weight!) <= 0.5);
        Assert.True(TestTensors.MaxAbs(first.Layers[1].weight!) <= 0.25);
        Assert.True(TestTensors.MaxAbs(first.Layers[1].weight!) > 0.1);
    }

    [Fact]
    public void ZeroLastLayerLeavesOnlyTheLastLayerAtZero()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var mlp = new Mlp("mlp", 4, new[] { 16 }, 3);
        SeededInitialization.Reset(mlp, new Generator(8), zeroLastLayer: true);
        Assert.Equal(0.0, TestTensors.MaxAbs(mlp.Layers[1].weight!));
        Assert.Equal(0.0, TestTensors.MaxAbs(mlp.Layers[1].bias!));
        Assert.True(TestTensors.MaxAbs(mlp.Layers[0].weight!) > 0.1);
    }
}
