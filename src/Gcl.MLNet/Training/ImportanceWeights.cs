namespace Gcl.MLNet.Training;

/// <summary>
/// Turns log importance weights <c>log w_i = -E(u_i) - log r(u_i)</c> into the partition-function estimate and its
/// diagnostics. Pure double arithmetic on weights scaled by the largest one, so no weight overflows or underflows
/// whatever the energy's offset.
/// </summary>
internal static class ImportanceWeights
{
    /// <summary>The default smallest effective sample size, as a fraction of the draws, for a reliable estimate.</summary>
    public const double DefaultMinimumEssFraction = 0.01;

    /// <summary>The default Pareto k-hat at and above which an estimate is unreliable (PSIS's 0.7).</summary>
    public const double DefaultMaximumParetoK = 0.7;

    /// <summary>Computes the estimate of log Z with its standard error, effective sample size and tail diagnostic.</summary>
    /// <param name="logWeights">At least two log-weights: finite, or negative infinity for a zero weight; not all zero weights.</param>
    /// <param name="minimumEssFraction">Reliable needs ESS at least this fraction of the draws, in (0, 1].</param>
    /// <param name="maximumParetoK">Reliable needs the Pareto k-hat below this.</param>
    /// <exception cref="ArgumentException">Fewer than two log-weights, a NaN or positive-infinite log-weight, or all weights zero.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range.</exception>
    public static LogPartitionEstimate Summarize(
        ReadOnlySpan<double> logWeights,
        double minimumEssFraction = DefaultMinimumEssFraction,
        double maximumParetoK = DefaultMaximumParetoK)
    {
        ValidateThresholds(minimumEssFraction, maximumParetoK);
        int n = logWeights.Length;
        if (n < 2) throw new ArgumentException($"At least two log-weights are needed; got {n}.", nameof(logWeights));

        double max = double.NegativeInfinity;
        int invalid = 0;
        foreach (double lw in logWeights)
        {
            if (double.IsNaN(lw) || double.IsPositiveInfinity(lw)) invalid++;
            else max = Math.Max(max, lw);
        }
        if (invalid > 0) throw new ArgumentException($"{invalid} of {n} log-weights are NaN or positive infinity.", nameof(logWeights));
        if (double.IsNegativeInfinity(max)) throw new ArgumentException($"All {n} weights are zero (log-weight negative infinity).", nameof(logWeights));

        // Scaled weights v_i = w_i / max w in (0, 1]: the sums below cannot overflow, and the largest term is exactly 1.
        double sum = 0, sumOfSquares = 0;
        foreach (double lw in logWeights)
        {
            double v = Math.Exp(lw - max);
            sum += v;
            sumOfSquares += v * v;
        }
        double mean = sum / n;
        double centered = 0; // second pass: no cancellation, so equal weights give exactly zero spread
        foreach (double lw in logWeights)
        {
            double d = Math.Exp(lw - max) - mean;
            centered += d * d;
        }

        double logZ = max + Math.Log(mean);
        double standardError = Math.Sqrt(centered / (n - 1)) / (Math.Sqrt(n) * mean);
        double ess = sum * sum / sumOfSquares;
        double paretoK = ParetoTailDiagnostic.EstimateShape(logWeights);
        bool reliable = ess >= minimumEssFraction * n && paretoK < maximumParetoK;
        return new LogPartitionEstimate(logZ, standardError, ess, n, paretoK, reliable);
    }

    /// <summary>Checks the reliability thresholds, so callers can fail before any sampling.</summary>
    /// <param name="minimumEssFraction">Must be in (0, 1].</param>
    /// <param name="maximumParetoK">Must not be NaN.</param>
    /// <exception cref="ArgumentOutOfRangeException">A threshold is out of range.</exception>
    public static void ValidateThresholds(double minimumEssFraction, double maximumParetoK)
    {
        if (!(minimumEssFraction > 0 && minimumEssFraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumEssFraction), minimumEssFraction, "The minimum ESS fraction must be in (0, 1].");
        }
        if (double.IsNaN(maximumParetoK))
        {
            throw new ArgumentOutOfRangeException(nameof(maximumParetoK), maximumParetoK, "The maximum Pareto k must not be NaN.");
        }
    }
}
