using Microsoft.ML.Runtime;

namespace Gcl.MLNet.Api;

/// <summary>
/// Passes every progress report to the user's <see cref="IProgress{T}"/> and writes it to the MLContext log: the
/// first report of each stage and the final one at Info, so a Fit logs a handful of Info lines, and every other
/// report (each evaluation) at Trace.
/// </summary>
internal sealed class ProgressLog(IChannel channel, IProgress<TrainingProgress>? progress)
{
    private TrainingPhase? phase;

    /// <summary>Forwards and logs one report.</summary>
    public void Report(TrainingProgress report)
    {
        progress?.Report(report);
        bool newStage = report.Phase != phase;
        phase = report.Phase;
        if (newStage || report.Phase == TrainingPhase.Partition) channel.Info(MessageSensitivity.None, report.Describe());
        else channel.Trace(MessageSensitivity.None, report.Describe());
    }
}
