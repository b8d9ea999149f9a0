namespace Gcl.MLNet.Flows;

/// <summary>The outcome of <see cref="MaximumLikelihoodTrainer.Train"/>.</summary>
/// <param name="Epochs">Every completed epoch, in order.</param>
/// <param name="BestEpoch">The epoch whose weights the flow holds now (0: the initial weights were best).</param>
/// <param name="BestValidationLogLikelihood">Mean validation log q of the restored weights, nats per row.</param>
/// <param name="StoppedEarly">Training stopped because validation stopped improving.</param>
/// <param name="Diverged">Training stopped because a loss or the validation score was not finite.</param>
/// <param name="Elapsed">Total training time.</param>
internal sealed record MaximumLikelihoodHistory(
    IReadOnlyList<MaximumLikelihoodEpoch> Epochs,
    int BestEpoch,
    double BestValidationLogLikelihood,
    bool StoppedEarly,
    bool Diverged,
    TimeSpan Elapsed);
