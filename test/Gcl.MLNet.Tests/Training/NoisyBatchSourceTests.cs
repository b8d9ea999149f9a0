using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

public sealed class NoisyBatchSourceTests
{
    [Fact]
    public void OnlyTheChosenFeaturesGetNoiseOfTheirLevel()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var rows = zeros(20_000, 3);
        using var clean = new TensorBatchSource(rows);
        var noisy = new NoisyBatchSource(clean, [0, 0.05, 0.5]);
        using var random = new Generator(2);

        var batches = noisy.Epoch(4096, random).ToList();
        var all = cat(batches, 0);
        var deviation = all.std(new long[] { 0 }).data<float>().ToArray();

        Assert.Equal(20_000, all.shape[0]);
        Assert.Equal(0, deviation[0]);
        Assert.InRange(deviation[1], 0.048, 0.052);
        Assert.InRange(deviation[2], 0.48, 0.52);
        Assert.Throws<ArgumentException>(() => new NoisyBatchSource(clean, [0, 0.1]));
        Assert.Throws<ArgumentException>(() => new NoisyBatchSource(clean, [0, -1, 0]));
    }
}
