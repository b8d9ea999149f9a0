using System.Diagnostics;

namespace Gcl.MLNet.Common;

/// <summary>
/// When training loops must stop early: a cancellation token (stop now and throw <see cref="OperationCanceledException"/>)
/// and a wall-clock deadline (stop, keeping the best state so far). Loops ask between optimizer steps, so a stop
/// takes effect within one step.
/// </summary>
internal sealed class TrainingLimits
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly TimeSpan? budget;
    private readonly Func<bool>? canceledElsewhere;

    /// <summary>Limits that start counting now.</summary>
    /// <param name="cancellation">Cancels training.</param>
    /// <param name="budget">Wall-clock time training may take in all, or null for no limit.</param>
    /// <param name="canceledElsewhere">A second cancellation signal (the MLContext's), or null.</param>
    public TrainingLimits(CancellationToken cancellation, TimeSpan? budget, Func<bool>? canceledElsewhere = null)
    {
        Cancellation = cancellation;
        this.budget = budget;
        this.canceledElsewhere = canceledElsewhere;
    }

    /// <summary>No cancellation, no deadline.</summary>
    public static TrainingLimits None => new(CancellationToken.None, null);

    /// <summary>The token training observes.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Whether the time budget is spent.</summary>
    public bool OutOfTime => budget is { } b && clock.Elapsed >= b;

    /// <summary>Throws when training was cancelled.</summary>
    /// <exception cref="OperationCanceledException">It was.</exception>
    public void ThrowIfCanceled()
    {
        Cancellation.ThrowIfCancellationRequested();
        if (canceledElsewhere?.Invoke() == true) throw new OperationCanceledException("Training was cancelled through MLContext.CancelExecution().");
    }
}
