namespace Gcl.MLNet;

/// <summary>
/// What training did and how good the result is. Log-likelihoods are mean log-densities in nats per row in the
/// data's raw units (comparable with the LogDensity column); add <see cref="StandardizationLogDeterminant"/>'s
/// negative to get standardized units.
/// </summary>
public sealed record TrainingSummary
{
    /// <summary>The seed every random choice derived from.</summary>
    /// <value>The seed.</value>
    public required long Seed { get; init; }

    /// <summary>Rows used for training and for validation.</summary>
    /// <value>Row counts.</value>
    public required long TrainingRows { get; init; }

    /// <summary>Rows held out for early stopping and model selection.</summary>
    /// <value>Row count.</value>
    public required long ValidationRows { get; init; }

    /// <summary>Rows left out because their features were NaN or infinite (with <c>InvalidRowHandling.Skip</c>).</summary>
    /// <value>Row count.</value>
    public long SkippedRows { get; init; }

    /// <summary>Indices of features that were constant in the training data (given scale 1).</summary>
    /// <value>Feature indices.</value>
    public IReadOnlyList<int> ConstantFeatures { get; init; } = Array.Empty<int>();

    /// <summary>-sum(log s): what standardization adds to a log-density in standardized units.</summary>
    /// <value>Nats.</value>
    public required double StandardizationLogDeterminant { get; init; }

    /// <summary>Optimizer steps the maximum-likelihood warm start took.</summary>
    /// <value>Steps.</value>
    public int WarmStartSteps { get; init; }

    /// <summary>The stage <see cref="EnergyModelOptions.TimeBudget"/> cut short, or null when the budget sufficed.</summary>
    /// <value>The stage, or null.</value>
    public TrainingPhase? TimeBudgetExhaustedIn { get; init; }

    /// <summary>Validation log-likelihood of the warm-started flow alone (the maximum-likelihood baseline).</summary>
    /// <value>Nats per row, raw units.</value>
    public required double FlowValidationLogLikelihood { get; init; }

    /// <summary>Adversarial iterations run, and the one whose state was kept (0: the warm start itself).</summary>
    /// <value>Iterations.</value>
    public required int AdversarialIterations { get; init; }

    /// <summary>The adversarial iteration whose state was kept (0 means no adversarial step improved on the start).</summary>
    /// <value>Iteration.</value>
    public required int BestIteration { get; init; }

    /// <summary>Rollbacks after non-finite losses.</summary>
    /// <value>Count.</value>
    public required int Rollbacks { get; init; }

    /// <summary>Whether training stopped because divergence persisted (the best validated state was kept).</summary>
    /// <value>True when it did.</value>
    public required bool StoppedByDivergence { get; init; }

    /// <summary>Validation log-likelihood of the final energy model with the final log Z.</summary>
    /// <value>Nats per row, raw units.</value>
    public required double ValidationLogLikelihood { get; init; }

    /// <summary>
    /// Centers of the kernel term the validation rows chose (<see cref="EnergyModelOptions.KernelCenters"/>); 0 when the
    /// model has none (the energy model alone fitted the validation rows as well, the options asked for none, or the
    /// file was written before the kernel term existed).
    /// </summary>
    /// <value>Training rows kept as centers.</value>
    public int KernelCenters { get; init; }

    /// <summary>The kernel term's share w of the density, in (0, 1); 0 without one.</summary>
    /// <value>The mixture weight.</value>
    public double KernelWeight { get; init; }

    /// <summary>The kernel's standard deviation per feature, in standardized units (the feature's standard deviation is 1); 0 without one.</summary>
    /// <value>The bandwidth.</value>
    public double KernelBandwidth { get; init; }

    /// <summary>
    /// Validation log-likelihood of the sanity baseline: one full-covariance Gaussian fitted to the training rows
    /// (widened by the training noise). A healthy model beats it; NaN in files written before it was recorded, and when
    /// the covariance could not be factored (no warning is given then).
    /// </summary>
    /// <value>Nats per row, raw units.</value>
    public double GaussianValidationLogLikelihood { get; init; } = double.NaN;

    /// <summary>
    /// What looks wrong with this fit, one sentence each with what to do: an unreliable log Z, constant features,
    /// held-out rows fitted worse than the Gaussian baseline, a tilt pinned at its bound. Empty for a healthy fit.
    /// </summary>
    /// <value>Warnings.</value>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>Whether the fit can be trusted as a normalized density: no <see cref="Warnings"/> (which include an unreliable log Z).</summary>
    /// <value>True for a healthy fit.</value>
    public bool IsReliable => Warnings.Count == 0;

    /// <summary>The final, freshly estimated partition function with its diagnostics.</summary>
    /// <value>The estimate.</value>
    public required LogPartitionEstimate Partition { get; init; }

    /// <summary>The discriminator's learned b at the kept state (the paper's log Z; compare with <see cref="Partition"/>).</summary>
    /// <value>Nats.</value>
    public required double LearnedLogPartition { get; init; }

    /// <summary>Progress reports of every stage, in order.</summary>
    /// <value>Reports.</value>
    public required IReadOnlyList<TrainingProgress> History { get; init; }

    /// <summary>Wall-clock time of training.</summary>
    /// <value>Duration.</value>
    public required TimeSpan Duration { get; init; }
}
