using Spectre.Console;

namespace Gcl.MLNet.Tool;

/// <summary>
/// Spectre.Console progress bars (with the time left) for the training stages: the warm start's epochs, the
/// adversarial iterations and the log Z estimate. A stage that stops early is shown complete when the next begins.
/// </summary>
internal sealed class TrainingProgressBars(ProgressContext context) : IProgress<TrainingProgress>
{
    private readonly Dictionary<TrainingPhase, ProgressTask> tasks = new();

    public void Report(TrainingProgress value)
    {
        if (!tasks.TryGetValue(value.Phase, out var task))
        {
            foreach (var earlier in tasks.Values) earlier.Value = earlier.MaxValue;
            task = context.AddTask(Name(value.Phase), maxValue: Math.Max(1, value.TotalSteps));
            tasks[value.Phase] = task;
        }
        task.MaxValue = Math.Max(1, value.TotalSteps);
        task.Value = value.Step;
        if (double.IsFinite(value.ValidationLogLikelihood))
            task.Description = Markup.Escape($"{Name(value.Phase)} (validation log-likelihood {value.ValidationLogLikelihood:F3})");
    }

    /// <summary>Marks every stage complete (after Fit returns).</summary>
    public void Complete()
    {
        foreach (var task in tasks.Values) task.Value = task.MaxValue;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with progress bars on an interactive <paramref name="console"/>, or with a plain
    /// line per tenth of each stage (with the time left in it) when the output is a file or a pipe.
    /// </summary>
    public static T Run<T>(IAnsiConsole console, Func<IProgress<TrainingProgress>, T> action)
    {
        if (!console.Profile.Capabilities.Interactive) return action(Lines(console));
        return Columns(console.Progress()).Start(context =>
        {
            var bars = new TrainingProgressBars(context);
            var result = action(bars);
            bars.Complete();
            return result;
        });
    }

    /// <summary>The bar's columns: description, bar, percentage, elapsed and remaining time.</summary>
    public static Progress Columns(Progress progress) => progress.AutoClear(false).HideCompleted(false).Columns(
        new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn());

    /// <summary>Progress as plain lines: one per tenth of each stage, with the time left in it.</summary>
    public static IProgress<TrainingProgress> Lines(IAnsiConsole console) => new PlainLines(console);

    private sealed class PlainLines(IAnsiConsole console) : IProgress<TrainingProgress>
    {
        private TrainingPhase? phase;
        private TimeSpan start;
        private int tenth = -1;

        public void Report(TrainingProgress value)
        {
            if (value.Phase != phase)
            {
                phase = value.Phase;
                start = value.Elapsed;
                tenth = -1;
            }
            double done = value.TotalSteps > 0 ? (double)value.Step / value.TotalSteps : 1;
            int now = (int)(done * 10);
            if (now == tenth) return;
            tenth = now;
            var spent = value.Elapsed - start;
            string left = done > 0 && done < 1 ? $", at most {TimeSpan.FromSeconds(spent.TotalSeconds * (1 - done) / done):mm\\:ss} left in this stage" : string.Empty;
            console.WriteLine($"  {value.Describe()}{left}");
        }
    }

    private static string Name(TrainingPhase phase) => phase switch
    {
        TrainingPhase.WarmStart => "warm start (flow, maximum likelihood)",
        TrainingPhase.Adversarial => "adversarial training",
        _ => "log Z (importance sampling)",
    };
}
