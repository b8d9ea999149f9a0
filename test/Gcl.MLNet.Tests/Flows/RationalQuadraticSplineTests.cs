using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class RationalQuadraticSplineTests
{
    private const int Bins = 5;
    private const double Bound = 3.0;

    [Fact]
    public void ZeroParametersGiveTheIdentity()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = linspace(-5, 5, 101, dtype: ScalarType.Float64).unsqueeze(1);
        var parameters = zeros(101, 1, RationalQuadraticSpline.ParameterCount(Bins), dtype: ScalarType.Float64);
        var (y, logDerivative) = RationalQuadraticSpline.Apply(x, parameters, Bins, Bound, inverse: false);
        Assert.True(TestTensors.MaxAbs(y - x) < 1e-12);
        Assert.True(TestTensors.MaxAbs(logDerivative) < 1e-12);
    }

    [Fact]
    public void InverseSolvesTheForwardMapAndLogDerivativesMatchFiniteDifferences()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(2);
        var x = linspace(-Bound + 1e-3, Bound - 1e-3, 400, dtype: ScalarType.Float64).unsqueeze(1);
        var parameters = (randn(1, 1, RationalQuadraticSpline.ParameterCount(Bins), dtype: ScalarType.Float64, generator: generator) * 1.5).expand(400, 1, -1);
        var (y, logDerivative) = RationalQuadraticSpline.Apply(x, parameters, Bins, Bound, inverse: false);
        var (back, inverseLog) = RationalQuadraticSpline.Apply(y, parameters, Bins, Bound, inverse: true);

        Assert.True(TestTensors.MaxAbs(back - x) < 1e-10);
        Assert.True(TestTensors.MaxAbs(logDerivative + inverseLog) < 1e-10);
        const double h = 1e-6;
        var slope = (RationalQuadraticSpline.Apply(x + h, parameters, Bins, Bound, false).Output
            - RationalQuadraticSpline.Apply(x - h, parameters, Bins, Bound, false).Output) / (2 * h);
        Assert.True(TestTensors.MaxAbs(slope.log() - logDerivative) < 1e-6);
    }

    [Fact]
    public void BinsRespectTheMinimumWidthAndDerivativeEvenForExtremeParameters()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var parameters = tensor(new[] { 50.0, -50, -50, -50, -50, -50, -50, -50, -50, 50, -60, -60, -60, -60 }).reshape(1, 1, -1).expand(2001, 1, -1);
        var x = linspace(-Bound, Bound, 2001, dtype: ScalarType.Float64).unsqueeze(1);
        var (y, logDerivative) = RationalQuadraticSpline.Apply(x, parameters, Bins, Bound, inverse: false);
        Assert.True(y.isfinite().all().item<bool>() && logDerivative.isfinite().all().item<bool>());
        Assert.True((y.narrow(0, 1, 2000) - y.narrow(0, 0, 2000)).min().item<double>() > 0, "strictly increasing");
        var back = RationalQuadraticSpline.Apply(y, parameters, Bins, Bound, inverse: true).Output;
        Assert.True(TestTensors.MaxAbs(back - x) < 1e-8);
    }
}
