using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static Gcl.MLNet.Tests.Flows.TestTensors;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class RationalQuadraticSplineCouplingTests : BijectorContract<RationalQuadraticSplineCouplingTests>
{
    private const double Bound = 2.0;

    internal override Bijector CreateBijector(int dimension, Generator generator) =>
        new RationalQuadraticSplineCoupling("coupling", dimension, parity: (int)(dimension % 2), hiddenWidth: 16, hiddenLayers: 2, bins: 6, bound: Bound, generator);

    // Wide enough that a third of the values lie outside [-B, B], in the linear tails.
    protected override Tensor SampleInputs(long rows, int dimension, Generator generator) =>
        randn(rows, dimension, dtype: ScalarType.Float64, generator: generator) * 2.2;

    protected override double PerturbationScale => 0.5;

    [Fact]
    public void StartsAsExactlyTheIdentity()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var layer = new RationalQuadraticSplineCoupling("coupling", 4, 0, 8, 1, 5, Bound, new Generator(1));
        layer.to(ScalarType.Float64);
        var z = randn(50, 4, dtype: ScalarType.Float64) * 2;
        var (x, logDet) = layer.Forward(z);
        Assert.True(MaxAbs(x - z) < 1e-12);
        Assert.True(MaxAbs(logDet) < 1e-12);
    }

    [Fact]
    public void IsTheIdentityOutsideTheBoundAndContinuousAtIt()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var (layer, _) = Setup(2, 43);
        var coupling = (RationalQuadraticSplineCoupling)layer;
        // Feature 0 conditions (parity 0, d = 2); feature 1 runs through the spline.
        var transformed = tensor(new[] { -7.0, -Bound - 1e-9, -Bound, Bound, Bound + 1e-9, 3.5 });
        var z = stack(new[] { full_like(transformed, 0.3), transformed }, 1);
        var (x, logDet) = coupling.Forward(z);
        Assert.True(MaxAbs(x - z) < 1e-8, "the spline maps ±B to ±B and is the identity beyond");
        var outside = tensor(new long[] { 0, 1, 4, 5 });
        Assert.Equal(0.0, MaxAbs(logDet.index_select(0, outside)));
    }

    [Fact]
    public void PerturbedSplineIsStrictlyIncreasingAndNotTheIdentity()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var (layer, _) = Setup(2, 47);
        var grid = linspace(-Bound, Bound, 2001, dtype: ScalarType.Float64);
        var z = stack(new[] { full_like(grid, -0.4), grid }, 1);
        var x = layer.Forward(z).Output.select(1, 1);
        Assert.True((x.narrow(0, 1, 2000) - x.narrow(0, 0, 2000)).min().item<double>() > 0);
        Assert.True(MaxAbs(x - grid) > 0.05);
    }
}
