using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The sanity baseline of a fit: one full-covariance Gaussian fitted to the training rows (standardized units, its
/// covariance widened by the training noise of each feature, so it sees the data the flow saw), scored on the validation rows. A
/// model that fits held-out rows worse than this has gone wrong (overfitting, a collapsed flow), whatever its log Z.
/// </summary>
internal static class GaussianBaseline
{
    /// <summary>Ridge added to the covariance's diagonal, so that constant features leave it invertible.</summary>
    public const double Ridge = 1e-6;

    /// <summary>Mean validation log-density of the Gaussian, in standardized units (NaN when its covariance cannot be factored).</summary>
    /// <param name="training">The training rows (one pass is read).</param>
    /// <param name="validation">Validation rows [m, d].</param>
    /// <param name="noise">The training noise's standard deviation per feature (0 for none).</param>
    /// <param name="random">Drives the pass's shuffling.</param>
    public static double ValidationLogLikelihood(IBatchSource training, Tensor validation, IReadOnlyList<double> noise, Generator random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        int d = training.Dimension;
        var sums = new double[d];
        var products = new double[d * d];
        long count = 0;
        foreach (var batch in training.Epoch(4096, random))
        {
            using var step = NewDisposeScope();
            var rows = batch.to(ScalarType.Float64);
            Accumulate(sums, rows.sum(dim: 0).data<double>());
            Accumulate(products, rows.t().matmul(rows).data<double>());
            count += rows.shape[0];
        }
        var mean = tensor(sums).DividedBy(count);
        var covariance = tensor(products, new long[] { d, d }).DividedBy(count).sub(mean.outer(mean)).Plus(diag(tensor(noise.Select(s => s * s + Ridge).ToArray())));
        var (cholesky, info) = linalg.cholesky_ex(covariance);
        if (info.item<int>() != 0) return double.NaN;
        var centred = validation.to(ScalarType.Float64).sub(mean);
        var whitened = linalg.solve_triangular(cholesky, centred.t(), upper: false);
        double logDeterminant = cholesky.diagonal().log().sum().item<double>();
        double squared = whitened.Squared().sum(dim: 0).mean().item<double>();
        return -0.5 * squared - logDeterminant - 0.5 * d * Math.Log(2 * Math.PI);
    }

    private static void Accumulate(double[] total, TorchSharp.Utils.TensorAccessor<double> values)
    {
        long i = 0;
        foreach (double value in values) total[i++] += value;
    }
}
