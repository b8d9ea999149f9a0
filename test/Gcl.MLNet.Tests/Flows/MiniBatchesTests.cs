using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class MiniBatchesTests
{
    [Fact]
    public void EveryRowAppearsOncePerEpochInAFreshOrder()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var data = arange(10, dtype: ScalarType.Float32).unsqueeze(1);
        var generator = new Generator(1);

        var first = MiniBatches.Shuffled(data, 4, generator).ToList();
        var second = MiniBatches.Shuffled(data, 4, generator).SelectMany(b => b.data<float>().ToArray()).ToArray();

        Assert.Equal(new long[] { 4, 4, 2 }, first.Select(b => b.shape[0]));
        var firstOrder = first.SelectMany(b => b.data<float>().ToArray()).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), firstOrder.OrderBy(v => v));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), second.OrderBy(v => v));
        Assert.NotEqual(firstOrder, second);
    }

    [Fact]
    public void SameGeneratorSeedGivesTheSameOrder()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var data = arange(50, dtype: ScalarType.Float32).unsqueeze(1);
        var a = MiniBatches.Shuffled(data, 8, new Generator(3)).SelectMany(b => b.data<float>().ToArray());
        var b = MiniBatches.Shuffled(data, 8, new Generator(3)).SelectMany(b => b.data<float>().ToArray());
        Assert.Equal(a, b);
    }

    [Fact]
    public void BatchesSurviveTheDisposalOfEarlierOnes()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var data = arange(9, dtype: ScalarType.Float32).unsqueeze(1);
        float total = 0;
        foreach (var batch in MiniBatches.Shuffled(data, 2, new Generator(4)))
        {
            using var step = NewDisposeScope();
            total += batch.sum().item<float>();
            batch.Dispose();
        }
        Assert.Equal(36f, total);
    }
}
