using System.Globalization;

namespace Gcl.MLNet;

/// <summary>
/// The importance-sampling estimate of a fitted energy model's log partition function, log Z, with the diagnostics
/// that say whether to trust it. <c>Zhat = mean_i w_i</c> with <c>w_i = exp(-E(u_i)) / r(u_i)</c> and <c>u_i</c> drawn
/// from a proposal r; Zhat is unbiased for Z, and log Zhat is what the model subtracts to normalize its density.
/// </summary>
public sealed record LogPartitionEstimate
{
    /// <summary>Creates an estimate from its parts (the estimator computes them; persistence restores them).</summary>
    /// <param name="logZ">The natural logarithm of the estimate Zhat.</param>
    /// <param name="standardError">The standard error of <paramref name="logZ"/>.</param>
    /// <param name="effectiveSampleSize">The effective sample size of the importance weights.</param>
    /// <param name="sampleCount">The number of proposal draws.</param>
    /// <param name="paretoK">The Pareto k-hat of the weights' upper tail.</param>
    /// <param name="isReliable">Whether the diagnostics passed the estimator's thresholds.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range (named in the message).</exception>
    public LogPartitionEstimate(
        double logZ, double standardError, double effectiveSampleSize, int sampleCount, double paretoK, bool isReliable)
    {
        if (!double.IsFinite(logZ)) throw new ArgumentOutOfRangeException(nameof(logZ), logZ, "log Z must be finite.");
        if (!(standardError >= 0) || double.IsPositiveInfinity(standardError))
        {
            throw new ArgumentOutOfRangeException(nameof(standardError), standardError, "The standard error must be finite and not negative.");
        }
        if (!(effectiveSampleSize > 0) || double.IsPositiveInfinity(effectiveSampleSize))
        {
            throw new ArgumentOutOfRangeException(nameof(effectiveSampleSize), effectiveSampleSize, "The effective sample size must be finite and positive.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 2);
        if (double.IsNaN(paretoK)) throw new ArgumentOutOfRangeException(nameof(paretoK), paretoK, "Pareto k must not be NaN.");
        LogZ = logZ;
        StandardError = standardError;
        EffectiveSampleSize = effectiveSampleSize;
        SampleCount = sampleCount;
        ParetoK = paretoK;
        IsReliable = isReliable;
    }

    /// <summary>Gets the estimated log partition function of the energy model in standardized units.</summary>
    /// <value><c>log Zhat = log(mean_i w_i)</c>, computed with log-sum-exp in double precision.</value>
    public double LogZ { get; }

    /// <summary>Gets the standard error of <see cref="LogZ"/>.</summary>
    /// <value>
    /// The delta-method standard error <c>sd(w) / (sqrt(n) * mean(w))</c>. It is itself estimated from the weights and
    /// is too small when the weights have a heavy tail the sample has not explored: read it with <see cref="ParetoK"/>.
    /// </value>
    public double StandardError { get; }

    /// <summary>Gets the effective sample size of the importance weights.</summary>
    /// <value><c>(sum w)^2 / sum w^2</c>: between 1 (one weight dominates) and <see cref="SampleCount"/> (equal weights).</value>
    public double EffectiveSampleSize { get; }

    /// <summary>Gets the number of proposal draws behind the estimate.</summary>
    /// <value>The sample count n, at least 2.</value>
    public int SampleCount { get; }

    /// <summary>Gets the Pareto k-hat of the importance weights' upper tail (Vehtari et al., Pareto smoothed importance sampling).</summary>
    /// <value>
    /// Below 0.5: the weights have finite variance and the standard error can be trusted. 0.5 to 0.7: usable with
    /// care, convergence is slower than the standard error suggests. Above 0.7: the estimate is unreliable; above 1
    /// the weights' mean does not even exist. Exactly -1 when the largest weights are all equal (a bounded tail, as
    /// PSIS.jl reports it); positive infinity when there were too few draws to fit the tail (fewer than 21, or fewer
    /// than 5 distinct large weights).
    /// </value>
    public double ParetoK { get; }

    /// <summary>Gets whether the diagnostics passed the estimator's thresholds.</summary>
    /// <value>
    /// True when the effective sample size is at least the threshold fraction of the draws (1% by default) and
    /// <see cref="ParetoK"/> is below the threshold (0.7 by default).
    /// </value>
    public bool IsReliable { get; }

    /// <summary>Describes the estimate on one line, for logs.</summary>
    /// <returns>For example <c>log Z = 3.6761 ± 0.0042 (n = 4096, ESS = 3012.4 = 73.5%, Pareto k = 0.21): reliable</c>.</returns>
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"log Z = {LogZ:F4} ± {StandardError:F4} (n = {SampleCount}, ESS = {EffectiveSampleSize:F1} = " +
        $"{100 * EffectiveSampleSize / SampleCount:F1}%, Pareto k = {ParetoK:F2}): {(IsReliable ? "reliable" : "UNRELIABLE")}");
}
