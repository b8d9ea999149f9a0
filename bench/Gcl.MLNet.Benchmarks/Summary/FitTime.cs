using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// One Fit through the public estimator, timed: wall and CPU seconds of the whole Fit (data scan included), the
/// time of each stage (from the progress reports' clock), the steps taken, and a held-out quality figure.
/// </summary>
/// <param name="Name">The data set.</param>
/// <param name="Rows">Training rows.</param>
/// <param name="Features">Features per row.</param>
/// <param name="Seed">The seed.</param>
/// <param name="WallSeconds">Fit's wall-clock time.</param>
/// <param name="CpuSeconds">CPU time the process spent during Fit (all threads).</param>
/// <param name="WarmStartSeconds">The warm start stage.</param>
/// <param name="AdversarialSeconds">The adversarial stage.</param>
/// <param name="FinishSeconds">The final log Z, threshold and everything after the adversarial stage.</param>
/// <param name="WarmStartSteps">Warm-start optimizer steps.</param>
/// <param name="AdversarialIterations">Adversarial iterations.</param>
/// <param name="Quality">AUROC (anomaly sets) or held-out mean log-likelihood in standardized units (density sets).</param>
internal sealed record FitTime(string Name, long Rows, int Features, int Seed, double WallSeconds, double CpuSeconds, double WarmStartSeconds,
    double AdversarialSeconds, double FinishSeconds, int WarmStartSteps, int AdversarialIterations, double Quality)
{
    /// <summary>
    /// Fits <paramref name="train"/> with <paramref name="options"/> through the anomaly entry point when <paramref name="anomaly"/>,
    /// the density one otherwise, and scores quality with <paramref name="quality"/>.
    /// </summary>
    public static FitTime Measure(MLContext mlContext, string name, IDataView train, long rows, int features, EnergyModelOptions options,
        bool anomaly, Func<EnergyModelTransformer, double> quality)
    {
        var estimator = anomaly ? mlContext.AnomalyDetection.Trainers.EnergyModel("Features", options) : mlContext.Transforms.EnergyModel("Features", options);
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var model = estimator.Fit(train);
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var summary = model.Model.Summary;
        double Start(TrainingPhase phase) => summary.History.FirstOrDefault(p => p.Phase == phase)?.Elapsed.TotalSeconds ?? 0;
        double adversarial = Start(TrainingPhase.Adversarial), partition = Start(TrainingPhase.Partition);
        return new FitTime(name, rows, features, options.Seed ?? 0, wall, cpuSeconds, adversarial, partition - adversarial,
            summary.Duration.TotalSeconds - partition, summary.WarmStartSteps, summary.AdversarialIterations, quality(model));
    }

    /// <summary>The row of the report table.</summary>
    public string[] Cells() =>
    [
        Name, Rows.ToString("N0", CultureInfo.InvariantCulture), Features.ToString(CultureInfo.InvariantCulture), Seed.ToString(CultureInfo.InvariantCulture),
        $"{WallSeconds:F1}", $"{CpuSeconds:F1}", $"{WarmStartSeconds:F1} / {AdversarialSeconds:F1} / {FinishSeconds:F1}",
        $"{WarmStartSteps} / {AdversarialIterations}", $"{Quality:F3}",
    ];

    /// <summary>The header of <see cref="Cells"/>.</summary>
    public static readonly string[] Header =
        ["set", "rows", "d", "seed", "fit s (wall)", "fit s (CPU)", "warm start / adversarial / log Z s", "steps (warm / adv.)", "quality"];
}
