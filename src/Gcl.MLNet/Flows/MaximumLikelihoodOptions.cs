using Gcl.MLNet.Common;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Settings of <see cref="MaximumLikelihoodTrainer"/>. Defaults suit standardized tabular data of a few hundred
/// to a few hundred thousand rows with mini-batches of 64 to 512 rows. Measured on wdbc and vehicle (3 seeds,
/// default flow, batches of 64): learning rate 3e-4 and patience 10 were worse on both; learning rate 3e-3,
/// patience 40, batches of 128 and weight decay 0 or 1e-3 were within seed noise of these.
/// </summary>
/// <param name="MaxEpochs">Epoch budget, at least 1.</param>
/// <param name="LearningRate">Adam step size; 1e-3 is the usual stable choice for flows of this size.</param>
/// <param name="WeightDecay">Decoupled (AdamW) weight decay, at least 0; a little helps small data sets.</param>
/// <param name="GradientClipNorm">Largest global gradient norm of a step (rare outlier batches otherwise cause
/// jumps that the log-det terms amplify), positive.</param>
/// <param name="Patience">Epochs without validation improvement before stopping, at least 1.</param>
/// <param name="MinimumImprovement">Smallest gain in mean validation log-likelihood (nats per row) that counts
/// as an improvement, at least 0.</param>
/// <param name="EvaluationBatchSize">Rows per forward pass when scoring the validation set, at least 1.</param>
internal sealed record MaximumLikelihoodOptions(
    int MaxEpochs = 200,
    double LearningRate = 1e-3,
    double WeightDecay = 1e-4,
    double GradientClipNorm = 10.0,
    int Patience = 20,
    double MinimumImprovement = 1e-4,
    int EvaluationBatchSize = 4096)
{
    /// <summary>The defaults, the one place they are written (<c>EnergyModelOptions</c> refers to them).</summary>
    public static MaximumLikelihoodOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range; the message names the option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        Require.InRange(Owner, nameof(MaxEpochs), MaxEpochs, 1);
        Require.Positive(Owner, nameof(LearningRate), LearningRate);
        Require.NonNegative(Owner, nameof(WeightDecay), WeightDecay);
        Require.Positive(Owner, nameof(GradientClipNorm), GradientClipNorm);
        Require.InRange(Owner, nameof(Patience), Patience, 1);
        Require.NonNegative(Owner, nameof(MinimumImprovement), MinimumImprovement);
        Require.InRange(Owner, nameof(EvaluationBatchSize), EvaluationBatchSize, 1);
    }

    private const string Owner = nameof(MaximumLikelihoodOptions);
}
