namespace Gcl.MLNet;

/// <summary>The stage of training a progress report belongs to.</summary>
public enum TrainingPhase
{
    /// <summary>Fitting the flow generator by maximum likelihood (the warm start).</summary>
    WarmStart,

    /// <summary>Alternating discriminator (energy) and generator steps.</summary>
    Adversarial,

    /// <summary>Estimating the partition function of the final energy by importance sampling.</summary>
    Partition,
}

/// <summary>
/// One progress report of <c>EnergyModelEstimator.Fit</c>: where training is and how it is doing.
/// Reported through <see cref="IProgress{T}"/> and logged to the MLContext.
/// </summary>
/// <param name="Phase">The stage of training.</param>
/// <param name="Step">Optimizer steps done (warm start) or iterations done (adversarial).</param>
/// <param name="TotalSteps">The budget of the stage, in the same unit as <paramref name="Step"/>.</param>
/// <param name="DiscriminatorLoss">Mean discriminator loss since the last report (NaN in the warm start).</param>
/// <param name="GeneratorLoss">Mean generator loss since the last report (the flow's negative log-likelihood in the warm start).</param>
/// <param name="ValidationLogLikelihood">Mean log-density of the validation rows, in nats per row, standardized units.</param>
/// <param name="LogPartition">The current log Z estimate (NaN where not estimated).</param>
/// <param name="Elapsed">Time since training started.</param>
public sealed record TrainingProgress(
    TrainingPhase Phase,
    int Step,
    int TotalSteps,
    double DiscriminatorLoss,
    double GeneratorLoss,
    double ValidationLogLikelihood,
    double LogPartition,
    TimeSpan Elapsed)
{
    /// <summary>A one-line description for logs.</summary>
    /// <returns>The line.</returns>
    public string Describe() => Phase switch
    {
        TrainingPhase.WarmStart =>
            $"warm start step {Step}/{TotalSteps}: train NLL {GeneratorLoss:F4}, validation log-likelihood {ValidationLogLikelihood:F4} ({Elapsed:hh\\:mm\\:ss})",
        TrainingPhase.Adversarial =>
            $"adversarial iteration {Step}/{TotalSteps}: discriminator {DiscriminatorLoss:F4}, generator {GeneratorLoss:F4}, " +
            $"validation log-likelihood {ValidationLogLikelihood:F4}, log Z {LogPartition:F4} ({Elapsed:hh\\:mm\\:ss})",
        _ => Step < TotalSteps
            ? $"estimating log Z by importance sampling ({Elapsed:hh\\:mm\\:ss})"
            : $"log Z {LogPartition:F4}, validation log-likelihood {ValidationLogLikelihood:F4} ({Elapsed:hh\\:mm\\:ss})",
    };
}
