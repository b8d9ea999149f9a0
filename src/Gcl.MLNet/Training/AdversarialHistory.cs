namespace Gcl.MLNet.Training;

/// <summary>One validation evaluation of the adversarial stage.</summary>
/// <param name="Progress">The progress report made at that point.</param>
/// <param name="Partition">The importance-sampled log Z behind the validation log-likelihood.</param>
/// <param name="Bias">The discriminator's b at that point (the paper's learned log Z).</param>
internal sealed record AdversarialEvaluation(TrainingProgress Progress, LogPartitionEstimate Partition, double Bias);

/// <summary>What happened in the adversarial stage: evaluations, the chosen state, and why it stopped.</summary>
internal sealed class AdversarialHistory
{
    /// <summary>Evaluations in order; the first is the state before any adversarial step (iteration 0).</summary>
    public List<AdversarialEvaluation> Evaluations { get; } = new();

    /// <summary>The iteration whose state was kept (0: the warm start itself).</summary>
    public int BestIteration { get; set; }

    /// <summary>Rollbacks after non-finite losses.</summary>
    public int Rollbacks { get; set; }

    /// <summary>Stopped because validation stopped improving.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Stopped because divergence persisted after the allowed rollbacks.</summary>
    public bool StoppedByDivergence { get; set; }

    /// <summary>Whether the time budget ended the stage.</summary>
    public bool OutOfTime { get; set; }
}
