using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static Gcl.MLNet.Tests.Flows.TestTensors;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class ActNormTests : BijectorContract<ActNormTests>
{
    internal override Bijector CreateBijector(int dimension, Generator generator) => new ActNorm("actnorm", dimension);

    [Fact]
    public void InitializationMakesTheInverseStandardizeTheData()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var data = randn(500, 3, dtype: ScalarType.Float64, generator: generator) * tensor(new[] { 0.1, 2.0, 30.0 }) + tensor(new[] { -4.0, 0.0, 100.0 });
        using var layer = new ActNorm("actnorm", 3);
        layer.to(ScalarType.Float64);
        Assert.False(layer.IsInitialized);

        layer.InitializeFromData(data);

        Assert.True(layer.IsInitialized);
        var z = layer.Inverse(data).Output;
        Assert.True(MaxAbs(z.mean(new long[] { 0 })) < 1e-12);
        Assert.True(MaxAbs(z.std(0, unbiased: false) - 1) < 1e-12);
    }

    [Fact]
    public void InitializedFlagTravelsWithTheStateDict()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var source = new ActNorm("actnorm", 2);
        source.InitializeFromData(tensor(new float[,] { { 1, 2 }, { 3, 5 }, { 4, 9 } }));
        using var target = new ActNorm("actnorm", 2);

        target.load_state_dict(source.state_dict());

        Assert.True(target.IsInitialized);
        Assert.Equal(0.0, MaxAbs(target.Shift - source.Shift));
        Assert.Equal(0.0, MaxAbs(target.LogScale - source.LogScale));
    }

    [Fact]
    public void ConstantFeatureGetsTheMinimumScaleInsteadOfInfinity()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var layer = new ActNorm("actnorm", 2);
        layer.InitializeFromData(tensor(new float[,] { { 1, 7 }, { 3, 7 }, { 4, 7 } }));
        var z = layer.Inverse(tensor(new float[,] { { 2, 7 } })).Output;
        Assert.True(z.isfinite().all().item<bool>());
        Assert.Equal(Math.Log(ActNorm.MinimumInitialScale), layer.LogScale[1].item<float>(), 4);
    }
}
