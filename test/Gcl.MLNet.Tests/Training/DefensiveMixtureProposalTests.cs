using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

public sealed class DefensiveMixtureProposalTests
{
    [Fact]
    public void LogProbEqualsTheMixtureDensityComputedIndependently()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        const int d = 3;
        const double alpha = 0.3, sigma = 1.7, center = 0.5, scale = 0.8;
        var proposal = Gaussian(d, center, scale, alpha, sigma);
        var (samples, logR) = proposal.SampleWithLogProb(2000, new Generator(1));
        Assert.Equal(new long[] { 2000, d }, samples.shape);
        Assert.Equal(ScalarType.Float64, logR.dtype);

        double[] u = samples.data<double>().ToArray();
        double[] actual = logR.data<double>().ToArray();
        for (int i = 0; i < 2000; i++)
        {
            double q = 1, gaussian = 1;
            for (int j = 0; j < d; j++)
            {
                double x = u[i * d + j];
                q *= Math.Exp(-0.5 * Math.Pow((x - center) / scale, 2)) / (scale * Math.Sqrt(2 * Math.PI));
                gaussian *= Math.Exp(-0.5 * Math.Pow(x / sigma, 2)) / (sigma * Math.Sqrt(2 * Math.PI));
            }
            Assert.Equal(Math.Log((1 - alpha) * q + alpha * gaussian), actual[i], 1e-12);
        }
        Assert.Equal(0, (proposal.LogProb(samples) - logR).abs().max().item<double>(), 1e-12);
    }

    [Fact]
    public void GaussianShareIsAnHonestBinomialDraw()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        const double alpha = 0.2, sigma = 2;
        // The generator sits far away at 100, so the Gaussian's draws (around 0) are told apart by position.
        var proposal = Gaussian(2, 100, 0.1, alpha, sigma);
        var generator = new Generator(2);
        var counts = new List<long>();
        var gaussianRows = new List<Tensor>();
        for (int call = 0; call < 400; call++)
        {
            var (samples, _) = proposal.SampleWithLogProb(50, generator);
            var isGaussian = samples[.., 0] < 50;
            counts.Add(isGaussian.sum().item<long>());
            gaussianRows.Add(samples[isGaussian]);
        }
        double mean = counts.Average();
        double variance = counts.Sum(c => (c - mean) * (c - mean)) / (counts.Count - 1);
        Assert.Equal(50 * alpha, mean, 3 * Math.Sqrt(50 * alpha * (1 - alpha) / counts.Count)); // binomial mean
        Assert.InRange(variance, 0.7 * 50 * alpha * (1 - alpha), 1.3 * 50 * alpha * (1 - alpha)); // and spread
        var gaussian = cat(gaussianRows, 0);
        Assert.InRange(gaussian.std().item<double>(), 0.95 * sigma, 1.05 * sigma);
        Assert.InRange(gaussian.mean().item<double>(), -0.1, 0.1);
    }

    [Fact]
    public void TheGeneratorMayBeAskedForNoDrawsAtAll()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var requested = new List<long>();
        var proposal = new DefensiveMixtureProposal(
            2,
            (count, g) =>
            {
                requested.Add(count);
                var z = randn(new[] { count, 2L }, ScalarType.Float64, generator: g);
                return (z, StandardNormalLogProb(z));
            },
            StandardNormalLogProb,
            defensiveWeight: 0.9);
        var generator = new Generator(6);
        for (int call = 0; call < 20; call++)
        {
            var (samples, logR) = proposal.SampleWithLogProb(2, generator);
            Assert.Equal(new long[] { 2, 2 }, samples.shape);
            Assert.True(logR.isfinite().all().item<bool>());
        }
        Assert.Contains(0L, requested);
    }

    [Fact]
    public void WorksInFloat32WithoutGradients()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var shift = tensor(0.25f, requires_grad: true); // a "trainable" generator parameter
        var proposal = new DefensiveMixtureProposal(
            2,
            (count, g) =>
            {
                var z = randn(new[] { count, 2L }, ScalarType.Float32, generator: g);
                return (z + shift, -0.5f * z.square().sum(1) - (float)Math.Log(2 * Math.PI) + 0 * shift);
            },
            u => -0.5f * (u - shift).square().sum(1) - (float)Math.Log(2 * Math.PI));
        var (samples, logR) = proposal.SampleWithLogProb(100, new Generator(3));
        Assert.Equal(ScalarType.Float32, samples.dtype);
        Assert.Equal(ScalarType.Float32, logR.dtype);
        Assert.False(samples.requires_grad);
        Assert.False(logR.requires_grad);
    }

    [Fact]
    public void WithoutTheGaussianItIsTheGeneratorAlone()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var proposal = new DefensiveMixtureProposal(
            4,
            (count, g) =>
            {
                var z = randn(new[] { count, 4L }, ScalarType.Float64, generator: g);
                return (z, StandardNormalLogProb(z));
            },
            _ => throw new InvalidOperationException("log q of Gaussian draws is not needed when alpha is 0"),
            defensiveWeight: 0);
        var (samples, logR) = proposal.SampleWithLogProb(300, new Generator(4));
        Assert.Equal(0, (logR - StandardNormalLogProb(samples)).abs().max().item<double>(), 1e-12);
    }

    [Fact]
    public void RejectsBadArgumentsAndBadSamplers()
    {
        TorchRuntime.EnsureLoaded();
        Assert.Throws<ArgumentOutOfRangeException>(() => Gaussian(2, 0, 1, alpha: 1, sigma: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gaussian(2, 0, 1, alpha: -0.1, sigma: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gaussian(2, 0, 1, alpha: 0.1, sigma: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gaussian(0, 0, 1, alpha: 0.1, sigma: 2));

        using var scope = NewDisposeScope();
        var wrongShape = new DefensiveMixtureProposal(3, (count, g) => (zeros(count, 2), zeros(count)), u => zeros(u.shape[0]));
        var error = Assert.Throws<InvalidOperationException>(() => wrongShape.SampleWithLogProb(10, new Generator(5)));
        Assert.Contains("must return samples [", error.Message);
    }

    // The mixture of N(center, scale^2 I) in d dimensions with the broad Gaussian, in float64.
    private static DefensiveMixtureProposal Gaussian(int d, double center, double scale, double alpha, double sigma) =>
        new(
            d,
            (count, g) =>
            {
                var z = randn(new[] { count, (long)d }, ScalarType.Float64, generator: g);
                return (center + scale * z, StandardNormalLogProb(z) - d * Math.Log(scale));
            },
            u => StandardNormalLogProb((u - center) / scale) - d * Math.Log(scale),
            alpha,
            new BroadGaussian(sigma));

    private static Tensor StandardNormalLogProb(Tensor z) => -0.5 * z.square().sum(1) - 0.5 * z.shape[1] * Math.Log(2 * Math.PI);
}
