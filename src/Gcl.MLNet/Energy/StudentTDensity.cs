using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// The multivariate Student-t with one degree of freedom (the multivariate Cauchy), centred at the origin with
/// identity scale in standardized units: <c>log T(u) = lgamma((d+1)/2) - lgamma(1/2) - (d/2) log π - ((d+1)/2) log(1 + |u|²)</c>.
/// Its log-density falls only like <c>-(d+1) log |u|</c>, so a row far outside the data costs tens to a few hundred
/// nats instead of the thousands a Gaussian tail charges. Draws: <c>u = z / |g|</c> with z ~ N(0, I) and g ~ N(0, 1).
/// </summary>
internal sealed class StudentTDensity : BroadDensity
{
    /// <summary>The one instance (the density has no parameters).</summary>
    public static readonly StudentTDensity Cauchy = new();

    private StudentTDensity()
    {
    }

    /// <summary>The normalizing constant <c>lgamma((d+1)/2) - lgamma(1/2) - (d/2) log π</c> for dimension d.</summary>
    public static double LogNormalizer(int dimension) =>
        LogGamma((dimension + 1) / 2.0) - LogGamma(0.5) - 0.5 * dimension * Math.Log(Math.PI);

    /// <inheritdoc />
    public override Tensor Sample(long count, int dimension, ScalarType dtype, Generator generator)
    {
        using var scope = NewDisposeScope();
        var z = randn(new[] { count, (long)dimension }, dtype, generator: generator);
        var g = randn(new[] { count, 1L }, dtype, generator: generator).abs();
        return scope.MoveToOuter(z.div(g));
    }

    /// <inheritdoc />
    public override Tensor LogProb(Tensor points)
    {
        int dimension = (int)points.shape[1];
        return points.Squared().sum(1).log1p().Times(-0.5 * (dimension + 1)).Plus(LogNormalizer(dimension));
    }

    /// <inheritdoc />
    public override double LogProb(ReadOnlySpan<float> point)
    {
        return LogNormalizer(point.Length) - 0.5 * (point.Length + 1) * Math.Log(1 + SquaredNorm(point));
    }

    // Lanczos approximation (g = 7, 9 terms), accurate to about 1e-15 relative for positive arguments.
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LogGamma(1 - x);
        x -= 1;
        double sum = c[0];
        for (int i = 1; i < 9; i++) sum += c[i] / (x + i);
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
