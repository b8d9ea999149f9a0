using Gcl.MLNet.Common;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Settings of <see cref="MaximumLikelihoodTrainer"/>. The budget is in optimizer steps, not epochs, so the cost of a
/// warm start does not grow with the rows: validation is scored every <paramref name="EvaluationInterval"/> steps and
/// training stops after <paramref name="Patience"/> evaluations without improvement. The rates and clipping were
/// measured on wdbc and vehicle (3 seeds, default flow): learning rate 3e-4 was worse on both; 3e-3 and weight
/// decay 0 or 1e-3 were within seed noise of these. The cadence and patience were chosen with docs/experiments.md
/// section 9.
/// </summary>
/// <param name="MaxSteps">Step budget, at least 1.</param>
/// <param name="LearningRate">Adam step size; 1e-3 is the usual stable choice for flows of this size.</param>
/// <param name="WeightDecay">Decoupled (AdamW) weight decay, at least 0; a little helps small data sets.</param>
/// <param name="GradientClipNorm">Largest global gradient norm of a step (rare outlier batches otherwise cause
/// jumps that the log-det terms amplify), positive.</param>
/// <param name="EvaluationInterval">Steps between validation evaluations, at least 1.</param>
/// <param name="Patience">Evaluations without validation improvement before stopping, at least 1.</param>
/// <param name="MinimumImprovement">Smallest gain in mean validation log-likelihood (nats per row) that counts
/// as an improvement, at least 0.</param>
/// <param name="EvaluationBatchSize">Rows per forward pass when scoring the validation set, at least 1.</param>
internal sealed record MaximumLikelihoodOptions(
    int MaxSteps = 5000,
    double LearningRate = 1e-3,
    double WeightDecay = 1e-4,
    double GradientClipNorm = 10.0,
    int EvaluationInterval = 25,
    int Patience = 8,
    double MinimumImprovement = 1e-4,
    int EvaluationBatchSize = 4096)
{
    /// <summary>The defaults, the one place they are written (<c>EnergyModelOptions</c> refers to them).</summary>
    public static MaximumLikelihoodOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range; the message names the option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        Require.InRange(Owner, nameof(MaxSteps), MaxSteps, 1);
        Require.Positive(Owner, nameof(LearningRate), LearningRate);
        Require.NonNegative(Owner, nameof(WeightDecay), WeightDecay);
        Require.Positive(Owner, nameof(GradientClipNorm), GradientClipNorm);
        Require.InRange(Owner, nameof(EvaluationInterval), EvaluationInterval, 1);
        Require.InRange(Owner, nameof(Patience), Patience, 1);
        Require.NonNegative(Owner, nameof(MinimumImprovement), MinimumImprovement);
        Require.InRange(Owner, nameof(EvaluationBatchSize), EvaluationBatchSize, 1);
    }

    private const string Owner = nameof(MaximumLikelihoodOptions);
}
