namespace Gcl.MLNet.Training;

/// <summary>
/// The Pareto k-hat diagnostic of importance weights from Pareto smoothed importance sampling (PSIS; Vehtari, Simpson,
/// Gelman, Yao, Gabry, "Pareto Smoothed Importance Sampling", JMLR 2024, arXiv:1507.02646): a generalized Pareto
/// distribution (GPD) is fitted to the largest weights and its shape k says how heavy their tail is. k &lt; 0.5: finite
/// variance, the usual standard error holds; 0.5 to 0.7: finite mean, usable with care (slower convergence than the
/// standard error suggests); k &gt; 0.7: unreliable, the estimate may be far off and its error bar with it.
/// </summary>
/// <remarks>
/// The fit follows the reference implementations (R loo's <c>gpdfit</c>, ArviZ's <c>_gpdfit</c>): Zhang and Stephens
/// (2009, Technometrics 51:316-325) empirical-Bayes estimate of the GPD, then the weakly informative prior that pulls
/// k towards 0.5 with the weight of 10 observations. Everything is computed on weights scaled by their maximum, so
/// the result does not change when a constant is added to every log-weight.
/// </remarks>
internal static class ParetoTailDiagnostic
{
    /// <summary>The shape reported for a tail whose largest weights are all equal (bounded; PSIS.jl's convention).</summary>
    public const double FlatTailShape = -1;

    // Largest log-weights closer than this to each other count as equal. Energies and densities computed in float32
    // carry about 1e-6 nats of rounding noise, so a perfect proposal's tail spans ~1e-6, not 0; 1e-4 nats
    // (weights within 0.01% of each other) is flat for every purpose of the estimate.
    private const double FlatTolerance = 1e-4;
    private const int MinimumTailPoints = 5;
    private static readonly double LogSmallestNormal = Math.Log(2.2250738585072014E-308);

    /// <summary>The number of largest weights the tail fit uses: <c>ceil(min(n / 5, 3 sqrt(n)))</c>, as in PSIS.</summary>
    /// <param name="sampleCount">The number of weights n.</param>
    public static int TailLength(int sampleCount) =>
        (int)Math.Ceiling(Math.Min(0.2 * sampleCount, 3 * Math.Sqrt(sampleCount)));

    /// <summary>Estimates the Pareto k-hat of the weights <c>exp(logWeights)</c>.</summary>
    /// <param name="logWeights">Log importance weights: finite, or negative infinity for a zero weight.</param>
    /// <returns>
    /// The prior-adjusted shape; <see cref="FlatTailShape"/> when the largest weights are all equal; positive
    /// infinity when there are too few weights (or too few distinct large ones) to fit a tail.
    /// </returns>
    /// <exception cref="ArgumentException">A log-weight is NaN or positive infinity, or all are negative infinity.</exception>
    public static double EstimateShape(ReadOnlySpan<double> logWeights)
    {
        double[] sorted = logWeights.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        if (n > 0 && (double.IsNaN(sorted[0]) || double.IsPositiveInfinity(sorted[^1]) || double.IsNegativeInfinity(sorted[^1])))
        {
            throw new ArgumentException("Log-weights must be finite or negative infinity, and not all negative infinity.", nameof(logWeights));
        }
        int tailLength = TailLength(n);
        if (tailLength < MinimumTailPoints) return double.PositiveInfinity;

        double max = sorted[^1];
        double cutoff = sorted[n - tailLength - 1];
        if (max - cutoff <= FlatTolerance) return FlatTailShape;

        // Exceedances over the cutoff of the weights scaled by the largest (ArviZ keeps the cutoff above underflow).
        double logCutoff = Math.Max(cutoff - max, LogSmallestNormal);
        double expCutoff = Math.Exp(logCutoff);
        var exceedances = new List<double>(tailLength);
        for (int i = n - tailLength; i < n; i++)
        {
            double excess = Math.Exp(sorted[i] - max) - expCutoff;
            if (excess > 0) exceedances.Add(excess);
        }
        if (exceedances.Count < MinimumTailPoints) return double.PositiveInfinity;
        return FitGeneralizedPareto(exceedances.ToArray()).Shape;
    }

    /// <summary>
    /// Fits a generalized Pareto distribution with location 0 to positive exceedances by the Zhang and Stephens (2009)
    /// empirical-Bayes method, as R loo's <c>gpdfit</c> does.
    /// </summary>
    /// <param name="sortedExceedances">Positive values in ascending order, at least one.</param>
    /// <param name="minimumGridPoints">Quadrature points beyond <c>floor(sqrt(count))</c> (loo and ArviZ use 30; loo 1.x used 80).</param>
    /// <param name="weaklyInformativePrior">Pull k towards 0.5 with the weight of 10 observations, as loo and ArviZ do.</param>
    /// <returns>The shape k (positive for heavy tails) and the scale sigma (computed before the prior adjustment).</returns>
    public static (double Shape, double Scale) FitGeneralizedPareto(
        ReadOnlySpan<double> sortedExceedances, int minimumGridPoints = 30, bool weaklyInformativePrior = true)
    {
        ReadOnlySpan<double> x = sortedExceedances;
        int n = x.Length;
        int gridSize = minimumGridPoints + (int)Math.Floor(Math.Sqrt(n));
        double firstQuartile = x[(int)Math.Floor(n / 4.0 + 0.5) - 1];

        // Quadrature over theta = -k / sigma on the quantiles of the empirical prior, weighted by the profile likelihood.
        var theta = new double[gridSize];
        var logLikelihood = new double[gridSize];
        double maxLogLikelihood = double.NegativeInfinity;
        for (int j = 0; j < gridSize; j++)
        {
            theta[j] = 1 / x[n - 1] + (1 - Math.Sqrt(gridSize / (j + 0.5))) / (3 * firstQuartile);
            double k = MeanLog1p(-theta[j], x);
            double l = n * (Math.Log(-theta[j] / k) - k - 1);
            logLikelihood[j] = double.IsNaN(l) ? double.NegativeInfinity : l;
            maxLogLikelihood = Math.Max(maxLogLikelihood, logLikelihood[j]);
        }
        double weightSum = 0, thetaSum = 0;
        for (int j = 0; j < gridSize; j++)
        {
            double w = Math.Exp(logLikelihood[j] - maxLogLikelihood);
            weightSum += w;
            thetaSum += w * theta[j];
        }
        double thetaHat = thetaSum / weightSum;

        double shape = MeanLog1p(-thetaHat, x);
        double scale = -shape / thetaHat;
        if (weaklyInformativePrior) shape = (n * shape + 10 * 0.5) / (n + 10);
        return (shape, scale);
    }

    private static double MeanLog1p(double a, ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double xi in x) sum += Log1p(a * xi);
        return sum / x.Length;
    }

    // log(1 + y), accurate for small y too (Goldberg's trick; .NET's double.LogP1 is the plain Math.Log(1 + y)).
    private static double Log1p(double y)
    {
        double u = 1 + y;
        return u == 1 ? y : Math.Log(u) * y / (u - 1);
    }
}
