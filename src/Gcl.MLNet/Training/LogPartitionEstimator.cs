using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Estimates a trained energy model's log partition function afresh, without bias: <c>Zhat = mean_i w_i</c> with
/// <c>w_i = exp(-E(u_i)) / r(u_i)</c> and <c>u_i</c> drawn from the defensive mixture r. Batches stream under dispose
/// scopes without gradients; the log-weights are gathered in double and summarized by <see cref="ImportanceWeights"/>.
/// </summary>
internal static class LogPartitionEstimator
{
    /// <summary>Draws <paramref name="sampleCount"/> points from the proposal and returns the estimate of log Z.</summary>
    /// <param name="energy">The energy E at points <c>[m, d]</c>, returned as <c>[m]</c> (or <c>[m, 1]</c>); +inf is a zero weight.</param>
    /// <param name="proposal">The proposal r.</param>
    /// <param name="sampleCount">The number of draws n, at least 2.</param>
    /// <param name="batchSize">The number of draws per batch, at least 1.</param>
    /// <param name="generator">The random generator for every draw.</param>
    /// <param name="minimumEssFraction">Reliable needs ESS at least this fraction of n, in (0, 1].</param>
    /// <param name="maximumParetoK">Reliable needs the Pareto k-hat below this.</param>
    /// <param name="cancellation">Checked before every batch.</param>
    /// <returns>log Zhat with its standard error and diagnostics.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count or threshold is out of range.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">
    /// Some log-weights are NaN or +inf (the energy is NaN or -inf there, or the proposal's density is broken), or
    /// every weight is zero (infinite energy at every draw): the model is broken and log Z cannot be estimated.
    /// </exception>
    public static LogPartitionEstimate Estimate(
        Func<Tensor, Tensor> energy,
        DefensiveMixtureProposal proposal,
        int sampleCount,
        int batchSize,
        Generator generator,
        double minimumEssFraction = ImportanceWeights.DefaultMinimumEssFraction,
        double maximumParetoK = ImportanceWeights.DefaultMaximumParetoK,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(energy);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ImportanceWeights.ValidateThresholds(minimumEssFraction, maximumParetoK);

        var logWeights = new double[sampleCount];
        for (int start = 0; start < sampleCount; start += batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            int count = Math.Min(batchSize, sampleCount - start);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (samples, logR) = proposal.SampleWithLogProb(count, generator);
            var energies = energy(samples).reshape(-1);
            if (energies.shape[0] != count)
            {
                throw new InvalidOperationException($"The energy returned {energies.shape[0]} values for {count} points.");
            }
            var batch = (-energies.to(ScalarType.Float64) - logR.to(ScalarType.Float64)).cpu();
            batch.data<double>().CopyTo(logWeights, start, 0);
        }

        ThrowIfBroken(logWeights);
        return ImportanceWeights.Summarize(logWeights, minimumEssFraction, maximumParetoK);
    }

    private static void ThrowIfBroken(double[] logWeights)
    {
        int nan = logWeights.Count(double.IsNaN);
        int positiveInfinity = logWeights.Count(double.IsPositiveInfinity);
        if (nan + positiveInfinity > 0)
        {
            throw new InvalidOperationException(
                $"{nan + positiveInfinity} of {logWeights.Length} log importance weights -E(u) - log r(u) are not finite " +
                $"({nan} NaN, {positiveInfinity} +inf): the energy is NaN or -inf at those draws, or the proposal's " +
                "log-density is. The model is broken there, and log Z cannot be estimated by averaging past it.");
        }
        if (logWeights.All(double.IsNegativeInfinity))
        {
            throw new InvalidOperationException(
                $"The energy is +inf at all {logWeights.Length} draws (every importance weight is zero): the model puts " +
                "no mass where the proposal samples, and log Z cannot be estimated.");
        }
    }
}
