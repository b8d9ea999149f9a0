namespace Gcl.MLNet.Training;

/// <summary>
/// How good a training state is on validation rows: a state whose log Z estimate is reliable beats one whose
/// estimate is not, whatever the likelihoods; within the same reliability, higher log-likelihood wins.
/// </summary>
/// <param name="Reliable">Whether the log Z estimate behind the likelihood passed its diagnostics.</param>
/// <param name="LogLikelihood">Mean validation log-density in nats per row (standardized units).</param>
internal readonly record struct ValidationScore(bool Reliable, double LogLikelihood)
{
    /// <summary>True when this score should replace <paramref name="other"/> as the best.</summary>
    public bool IsBetterThan(ValidationScore other)
    {
        if (!double.IsFinite(LogLikelihood)) return false;
        if (Reliable != other.Reliable) return Reliable;
        return !double.IsFinite(other.LogLikelihood) || LogLikelihood > other.LogLikelihood;
    }
}
