namespace Gcl.MLNet.Flows;

/// <summary>One validation evaluation of <see cref="MaximumLikelihoodTrainer"/>.</summary>
/// <param name="Step">Optimizer steps taken so far.</param>
/// <param name="TrainNegativeLogLikelihood">Mean training -log q per row over the steps since the last evaluation.</param>
/// <param name="ValidationLogLikelihood">Mean validation log q per row.</param>
/// <param name="Elapsed">Time since the trainer started.</param>
internal sealed record MaximumLikelihoodEvaluation(int Step, double TrainNegativeLogLikelihood, double ValidationLogLikelihood, TimeSpan Elapsed);
