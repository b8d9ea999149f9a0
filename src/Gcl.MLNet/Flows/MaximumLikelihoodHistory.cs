namespace Gcl.MLNet.Flows;

/// <summary>What a <see cref="MaximumLikelihoodTrainer"/> run did.</summary>
/// <param name="Evaluations">Every validation evaluation, in order.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Epochs">Passes over the training data begun (the last may be partial).</param>
/// <param name="BestStep">The step whose weights the flow ends with (0: the weights it started with).</param>
/// <param name="BestValidationLogLikelihood">Their mean validation log q per row.</param>
/// <param name="StoppedEarly">Whether validation stopped improving before the step budget ran out.</param>
/// <param name="Diverged">Whether a loss or the validation score became non-finite.</param>
/// <param name="OutOfTime">Whether the wall-clock deadline stopped it.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
internal sealed record MaximumLikelihoodHistory(
    IReadOnlyList<MaximumLikelihoodEvaluation> Evaluations,
    int Steps,
    int Epochs,
    int BestStep,
    double BestValidationLogLikelihood,
    bool StoppedEarly,
    bool Diverged,
    bool OutOfTime,
    TimeSpan Elapsed);
