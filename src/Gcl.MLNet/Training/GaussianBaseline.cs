using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The sanity baseline of a fit: one full-covariance Gaussian fitted to the training rows (standardized units, its
/// covariance widened by the training noise of each feature, so it sees the data the flow saw), scored on the
/// validation rows. A model that fits held-out rows worse than this has gone wrong (overfitting, a collapsed flow),
/// whatever its log Z. Its moments are gathered from batches the caller already reads (the pass that scores the
/// training rows), so it costs no pass of its own.
/// </summary>
internal sealed class GaussianBaseline(int dimension)
{
    /// <summary>Ridge added to the covariance's diagonal, so that constant features leave it invertible.</summary>
    public const double Ridge = 1e-6;

    private readonly double[] sums = new double[dimension];
    private readonly double[] products = new double[dimension * dimension];
    private long count;

    /// <summary>Adds the rows of a training batch [n, d].</summary>
    public void Add(Tensor batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = batch.to(ScalarType.Float64);
        Accumulate(sums, rows.sum(dim: 0).data<double>());
        Accumulate(products, rows.t().matmul(rows).data<double>());
        count += rows.shape[0];
    }

    /// <summary>Mean validation log-density of the Gaussian, in standardized units (NaN when its covariance cannot be factored).</summary>
    /// <param name="validation">Validation rows [m, d].</param>
    /// <param name="noise">The training noise's standard deviation per feature (0 for none).</param>
    public double ValidationLogLikelihood(Tensor validation, IReadOnlyList<double> noise)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mean = tensor(sums).DividedBy(count);
        var covariance = tensor(products, new long[] { dimension, dimension }).DividedBy(count).sub(mean.outer(mean))
            .Plus(diag(tensor(noise.Select(s => s * s + Ridge).ToArray())));
        var (cholesky, info) = linalg.cholesky_ex(covariance);
        if (info.item<int>() != 0) return double.NaN;
        var centred = validation.to(ScalarType.Float64).sub(mean);
        var whitened = linalg.solve_triangular(cholesky, centred.t(), upper: false);
        double logDeterminant = cholesky.diagonal().log().sum().item<double>();
        double squared = whitened.Squared().sum(dim: 0).mean().item<double>();
        return -0.5 * squared - logDeterminant - 0.5 * dimension * Math.Log(2 * Math.PI);
    }

    private static void Accumulate(double[] total, TorchSharp.Utils.TensorAccessor<double> values)
    {
        long i = 0;
        foreach (double value in values) total[i++] += value;
    }
}
