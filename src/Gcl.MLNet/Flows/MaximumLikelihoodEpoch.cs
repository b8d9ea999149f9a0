namespace Gcl.MLNet.Flows;

/// <summary>What one epoch of maximum-likelihood training achieved (for progress reporting and the history).</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainNegativeLogLikelihood">Mean -log q over the epoch's training rows (as they were when each
/// batch was used), nats per row.</param>
/// <param name="ValidationLogLikelihood">Mean log q of the validation rows after the epoch, nats per row.</param>
/// <param name="Elapsed">Time since training started.</param>
internal sealed record MaximumLikelihoodEpoch(int Epoch, double TrainNegativeLogLikelihood, double ValidationLogLikelihood, TimeSpan Elapsed);
