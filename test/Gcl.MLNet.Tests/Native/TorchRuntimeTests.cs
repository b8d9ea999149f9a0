using Gcl.MLNet.Native;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Native;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void NativeTorchLoadsAndMultipliesMatrices()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        var product = a.matmul(b).data<float>().ToArray();
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product);
    }

    [Fact]
    public void BackwardPassGivesTheKnownGradient()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        // f(x) = sum(x^3) has gradient 3 x^2.
        var x = tensor(new double[] { -2, 0.5, 3 }, requires_grad: true);
        x.pow(3).sum().backward();
        var gradient = x.grad!.data<double>().ToArray();
        Assert.Equal(new double[] { 12, 0.75, 27 }, gradient);
    }

    [Fact]
    public void SetThreadsRejectsNonPositiveCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.SetThreads(0));
    }
}
