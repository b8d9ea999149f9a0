using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

/// <summary>Data sets with a known density, drawn from a seed, for maximum-likelihood tests (float64 rows and true log p).</summary>
internal static class SyntheticDensities
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    /// <summary>A correlated 2-D Gaussian: x = m + L z with L = [[1.5, 0], [0.9, 0.4]], m = (1, -2).</summary>
    public static (Tensor Rows, Tensor LogProb) CorrelatedGaussian(long count, Generator generator)
    {
        var cholesky = tensor(new[,] { { 1.5, 0.0 }, { 0.9, 0.4 } });
        var z = randn(count, 2, dtype: ScalarType.Float64, generator: generator);
        var x = z.matmul(cholesky.t()) + tensor(new[] { 1.0, -2.0 });
        return (x, -0.5 * z.square().sum(1) - Math.Log(1.5 * 0.4) - LogTwoPi);
    }

    /// <summary>An equal-weight mixture of three axis-aligned 5-D Gaussians with different scales.</summary>
    public static (Tensor Rows, Tensor LogProb) GaussianMixture(long count, Generator generator)
    {
        var means = tensor(new[,] { { 2.0, 2, 0, -1, 1 }, { -2.0, 0, 2, 1, -1 }, { 0.0, -2, -2, 0, 2 } });
        var scales = tensor(new[,] { { 0.5, 1, 0.7, 0.6, 1 }, { 1, 0.5, 0.6, 0.8, 0.5 }, { 0.7, 0.7, 1, 0.5, 0.6 } });
        var component = randint(0, 3, new long[] { count }, generator: generator);
        var z = randn(count, 5, dtype: ScalarType.Float64, generator: generator);
        var x = z * scales.index_select(0, component) + means.index_select(0, component);
        var standardized = (x.unsqueeze(1) - means.unsqueeze(0)) / scales.unsqueeze(0);
        var perComponent = -0.5 * standardized.square().sum(2) - scales.log().sum(1).unsqueeze(0) - 2.5 * LogTwoPi - Math.Log(3);
        return (x, perComponent.logsumexp(1));
    }
}
