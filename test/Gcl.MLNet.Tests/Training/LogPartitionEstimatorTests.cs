using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

public sealed class LogPartitionEstimatorTests(ITestOutputHelper output)
{
    private const double Tau = 0.7; // the target N(0, tau^2 I) has energy 0.5 |u|^2 / tau^2

    [Theory]
    [InlineData(2, 0.0, 1.2)] // a generator close to the target
    [InlineData(5, 0.0, 1.2)]
    [InlineData(2, 0.4, 0.6)] // deliberately mismatched: shifted and too narrow, rescued by the broad Gaussian
    [InlineData(5, 0.3, 0.8)]
    public void QuadraticEnergyIsWithinThreeStandardErrorsOfTheAnalyticValue(int d, double center, double scale)
    {
        TorchRuntime.EnsureLoaded();
        var proposal = Gaussian(d, center, scale * Tau);
        var estimate = LogPartitionEstimator.Estimate(Quadratic, proposal, 4000, 1000, new Generator(10));

        output.WriteLine($"d = {d}, generator N({center}, ({scale} tau)^2): {estimate.Describe()}; analytic {AnalyticLogZ(d):F4}");
        Assert.InRange(estimate.StandardError, 1e-4, 0.1);
        Assert.True(Math.Abs(estimate.LogZ - AnalyticLogZ(d)) < 3 * estimate.StandardError, estimate.Describe() + $" vs {AnalyticLogZ(d)}");
        Assert.True(estimate.IsReliable, estimate.Describe());
        Assert.Equal(4000, estimate.SampleCount);
    }

    [Fact]
    public void ZhatIsUnbiasedForZ()
    {
        TorchRuntime.EnsureLoaded();
        const int d = 2, runs = 400;
        var proposal = Gaussian(d, 0.4, 0.6 * Tau);
        var generator = new Generator(11);
        double[] ratios = Enumerable.Range(0, runs)
            .Select(_ => Math.Exp(LogPartitionEstimator.Estimate(Quadratic, proposal, 8, 8, generator).LogZ - AnalyticLogZ(d)))
            .ToArray();
        double mean = ratios.Average();
        double standardError = Math.Sqrt(ratios.Sum(r => (r - mean) * (r - mean)) / (runs - 1) / runs);
        output.WriteLine($"mean Zhat / Z over {runs} runs of n = 8: {mean:F4} +- {standardError:F4}");
        Assert.True(standardError > 0.005, $"runs too alike to test anything: {standardError}");
        Assert.True(Math.Abs(mean - 1) < 3 * standardError, $"mean Zhat / Z = {mean} +- {standardError}");
    }

    [Fact]
    public void ProposalEqualToTheNormalizedTargetGivesEqualWeights()
    {
        TorchRuntime.EnsureLoaded();
        const int d = 3;
        // Generator N(0, tau^2 I) and a broad Gaussian of the same scale: r is exactly the target.
        var proposal = Gaussian(d, 0, Tau, gaussianScale: Tau);
        var estimate = LogPartitionEstimator.Estimate(Quadratic, proposal, 1000, 300, new Generator(12));
        Assert.Equal(AnalyticLogZ(d), estimate.LogZ, 1e-12);
        Assert.Equal(0, estimate.StandardError, 1e-12);
        Assert.Equal(1000, estimate.EffectiveSampleSize, 1e-9);
        Assert.Equal(ParetoTailDiagnostic.FlatTailShape, estimate.ParetoK);
        Assert.True(estimate.IsReliable);
    }

    [Fact]
    public void ANarrowGeneratorAloneHasHeavyTailsThatTheDiagnosticsCatch()
    {
        TorchRuntime.EnsureLoaded();
        // Target N(0, tau^2 I) in d = 2, generator N(0, (s tau)^2 I): the weights are Pareto with k = 1 - s^2 exactly.
        var narrow = LogPartitionEstimator.Estimate(Quadratic, Gaussian(2, 0, 0.2 * Tau, gaussianWeight: 0), 4000, 1000, new Generator(13));
        output.WriteLine($"narrow: {narrow.Describe()}");
        Assert.True(narrow.ParetoK > 0.7, narrow.Describe());
        Assert.False(narrow.IsReliable);

        var wide = LogPartitionEstimator.Estimate(Quadratic, Gaussian(2, 0, 1.2 * Tau, gaussianWeight: 0), 4000, 1000, new Generator(13));
        output.WriteLine($"wide: {wide.Describe()}");
        Assert.True(wide.ParetoK < 0.5, wide.Describe());
        Assert.True(wide.IsReliable);

        var defended = LogPartitionEstimator.Estimate(Quadratic, Gaussian(2, 0, 0.2 * Tau), 4000, 1000, new Generator(13));
        output.WriteLine($"defended: {defended.Describe()}");
        Assert.True(defended.ParetoK < 0.7, defended.Describe());
        Assert.True(Math.Abs(defended.LogZ - AnalyticLogZ(2)) < 3 * defended.StandardError, defended.Describe());
    }

    [Fact]
    public void NaNEnergyIsABrokenModelWithAClearError()
    {
        TorchRuntime.EnsureLoaded();
        // NaN at every fourth point of each batch of 50: 13 per batch, 26 in all.
        Tensor energy(Tensor u) => Quadratic(u).index_put_(double.NaN, arange(0, u.shape[0], 4));
        var error = Assert.Throws<InvalidOperationException>(
            () => LogPartitionEstimator.Estimate(energy, Gaussian(2, 0, Tau), 100, 50, new Generator(14)));
        Assert.StartsWith("26 of 100 log importance weights -E(u) - log r(u) are not finite (26 NaN, 0 +inf)", error.Message);
    }

    [Fact]
    public void InfiniteEnergyIsAZeroWeight()
    {
        TorchRuntime.EnsureLoaded();
        // The target restricted to the half-space u_0 < 0 has half the mass: log Z - log 2.
        Tensor halfSpace(Tensor u) => Quadratic(u).masked_fill(u[.., 0] >= 0, double.PositiveInfinity);
        var estimate = LogPartitionEstimator.Estimate(halfSpace, Gaussian(2, 0, Tau), 4000, 1000, new Generator(15));
        Assert.True(Math.Abs(estimate.LogZ - (AnalyticLogZ(2) - Math.Log(2))) < 3 * estimate.StandardError, estimate.Describe());

        Tensor nowhere(Tensor u) => full(u.shape[0], double.PositiveInfinity, ScalarType.Float64);
        var error = Assert.Throws<InvalidOperationException>(
            () => LogPartitionEstimator.Estimate(nowhere, Gaussian(2, 0, Tau), 100, 50, new Generator(16)));
        Assert.StartsWith("The energy is +inf at all 100 draws", error.Message);
    }

    [Fact]
    public void MemoryStaysFlatAcrossBatches()
    {
        TorchRuntime.EnsureLoaded();
        var proposal = Gaussian(3, 0, Tau);
        LogPartitionEstimator.Estimate(Quadratic, proposal, 200, 20, new Generator(17)); // warm-up
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        LogPartitionEstimator.Estimate(Quadratic, proposal, 2000, 20, new Generator(18));
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void RejectsBadCountsAndThresholdsBeforeSampling()
    {
        TorchRuntime.EnsureLoaded();
        var proposal = Gaussian(2, 0, Tau);
        var generator = new Generator(19);
        Assert.Throws<ArgumentOutOfRangeException>(() => LogPartitionEstimator.Estimate(Quadratic, proposal, 1, 10, generator));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogPartitionEstimator.Estimate(Quadratic, proposal, 10, 0, generator));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => LogPartitionEstimator.Estimate(Quadratic, proposal, 10, 10, generator, minimumEssFraction: 0));
    }

    private static Tensor Quadratic(Tensor u) => 0.5 * u.square().sum(1) / (Tau * Tau);

    private static double AnalyticLogZ(int d) => d / 2.0 * Math.Log(2 * Math.PI * Tau * Tau);

    // The defensive mixture of a Gaussian "generator" N(center, scale^2 I), in float64, with the broad Gaussian.
    private static DefensiveMixtureProposal Gaussian(
        int d, double center, double scale,
        double gaussianWeight = DefensiveMixtureProposal.DefaultDefensiveWeight,
        double gaussianScale = DefensiveMixtureProposal.DefaultGaussianScale) =>
        new(
            d,
            (count, g) =>
            {
                var z = randn(new[] { count, (long)d }, ScalarType.Float64, generator: g);
                return (center + scale * z, LogNormal(z) - d * Math.Log(scale));
            },
            u => LogNormal((u - center) / scale) - d * Math.Log(scale),
            gaussianWeight,
            new BroadGaussian(gaussianScale));

    private static Tensor LogNormal(Tensor z) => -0.5 * z.square().sum(1) - 0.5 * z.shape[1] * Math.Log(2 * Math.PI);
}
