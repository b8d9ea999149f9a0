using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Training;

/// <summary>
/// Settings of the adversarial stage (discriminator = energy + b, generator = flow). Defaults come from the
/// experiments in docs/experiments.md.
/// </summary>
internal sealed record AdversarialOptions
{
    /// <summary>The defaults, the one place they are written (<c>EnergyModelOptions</c> refers to them).</summary>
    public static AdversarialOptions Default { get; } = new();

    /// <summary>
    /// Iteration budget; one iteration is one discriminator step and one generator step. 300 iterations of batch 1024
    /// at energy rate 1e-2 matched or beat 1000 of batch 256 at 3e-3 on wdbc, vehicle and letter, in a stage 35-55%
    /// shorter on wdbc and vehicle (docs/experiments.md, section 13).
    /// </summary>
    public int Iterations { get; init; } = 300;

    /// <summary>
    /// Rows per data batch and per generator batch (equal, so their union is the paper's mixture; a data set with fewer
    /// training rows gives them all).
    /// </summary>
    public int BatchSize { get; init; } = 1024;

    /// <summary>Adam learning rate of the energy and of b.</summary>
    public double EnergyLearningRate { get; init; } = 1e-2;

    /// <summary>Adam learning rate of the generator; much lower than the energy's (the reference run needed about 1/60).</summary>
    public double GeneratorLearningRate { get; init; } = 5e-5;

    /// <summary>Adam's first-moment decay.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Weight of the magnitude penalty mean(h²) on data and generator batches (h: the energy's penalized part).</summary>
    public double EnergyPenalty { get; init; } = 1e-2;

    /// <summary>Largest gradient norm per step (both players).</summary>
    public double GradientClip { get; init; } = MaximumLikelihoodOptions.Default.GradientClipNorm;

    /// <summary>Iterations between validation evaluations (log Z re-estimated each time).</summary>
    public int EvaluationInterval { get; init; } = 50;

    /// <summary>Importance samples per validation log Z estimate.</summary>
    public int EvaluationSamples { get; init; } = 4096;

    /// <summary>Evaluations without a better validation log-likelihood before training stops.</summary>
    public int Patience { get; init; } = 4;

    /// <summary>Rollbacks after divergence before training stops at the best validated state.</summary>
    public int MaxRollbacks { get; init; } = 3;

    /// <summary>Weight of the broad density in the defensive-mixture proposal.</summary>
    public double ProposalDefensiveWeight { get; init; } = DefensiveMixtureProposal.DefaultDefensiveWeight;

    /// <summary>Standard deviation of the broad Gaussian in standardized units (for energies without a tail of their own).</summary>
    public double ProposalGaussianScale { get; init; } = DefensiveMixtureProposal.DefaultGaussianScale;
}
