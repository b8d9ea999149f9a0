using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The <c>fit-time</c> section: Fit at the defaults (default threads), through the public estimator, on every data
/// set of ../shared/data (three seeds each: AUROC under the unsupervised protocol for the anomaly sets, held-out
/// log-likelihood in standardized units for the density sets), on synthetic rows at 10k to 1M rows (the largest
/// streamed from a CSV file through TextLoader), and the concurrency check: one wbc fit alone against two at once,
/// in two threads of this process and in two processes.
/// </summary>
internal static class FitTimeSection
{
    private static readonly string[] AnomalySets = ["wbc", "wine", "glass", "pima"];
    private static readonly string[] DensitySets = ["wdbc", "vehicle_deq", "letter_deq"];

    /// <summary>Runs the section; <paramref name="largest"/> caps the synthetic sizes (rows), <paramref name="sets"/> picks data sets (and "concurrency").</summary>
    public static List<FitTime> Run(MarkdownReport report, MLContext mlContext, string dataDirectory, long largest, int seeds = 3,
        IReadOnlySet<string>? sets = null)
    {
        bool Wanted(string set) => sets is null || sets.Contains(set);
        report.Heading("Fit time at the defaults");
        report.Line("Each Fit runs through `mlContext.AnomalyDetection.Trainers.EnergyModel(\"Features\", new EnergyModelOptions { Seed = s })` " +
            "(anomaly sets: the flow alone) or `mlContext.Transforms.EnergyModel(...)` (density and synthetic sets: the energy model), default threads, " +
            "nothing else of this benchmark running; quality is AUROC (anomaly sets: fit on all rows, score the same rows) or the mean held-out " +
            "log-likelihood in nats per row, standardized units (density sets, and synthetic rows scored on 20,000 fresh rows).");
        var fits = new List<FitTime>();
        foreach (var set in AnomalySets.Where(Wanted))
        {
            var (features, labels) = CsvTable.Load(Path.Combine(dataDirectory, $"{set}.csv")).Split("label");
            for (int seed = 0; seed < seeds; seed++) fits.Add(Anomaly(mlContext, set, features, labels, seed));
        }
        foreach (var set in DensitySets.Where(Wanted))
        {
            var train = CsvTable.Load(Path.Combine(dataDirectory, $"density_{set}_train.csv")).Rows;
            var test = CsvTable.Load(Path.Combine(dataDirectory, $"density_{set}_test.csv")).Rows;
            for (int seed = 0; seed < seeds; seed++) fits.Add(Density(mlContext, set, train, test, seed));
        }
        foreach (var (rows, d) in new (int, int)[] { (10_000, 10), (50_000, 10), (200_000, 10), (1_000_000, 20) }.Where(s => s.Item1 <= largest))
        {
            var test = SyntheticRows.Create(20_000, d, seed: 99);
            fits.Add(rows >= 1_000_000 ? StreamedFromCsv(mlContext, rows, d, test) : Density(mlContext, $"synthetic {rows / 1000}k x {d}", SyntheticRows.Create(rows, d, seed: 7), test, seed: 0));
        }
        report.Table(FitTime.Header, fits.Select(f => f.Cells()).ToList());
        if (Wanted("concurrency")) Concurrency(report, mlContext, dataDirectory);
        return fits;
    }

    /// <summary>
    /// One fit through the anomaly entry point at the defaults (the flow alone), or with the full adversarial stage when
    /// <paramref name="energyModel"/> (the concurrency check's fits; the <c>fit-one</c> command runs one in a child process).
    /// </summary>
    public static FitTime Anomaly(MLContext mlContext, string name, float[][] features, float[] labels, int seed, bool energyModel = false)
    {
        var view = StreamedRows.Load(mlContext, features, features.Length);
        var options = new EnergyModelOptions { Seed = seed, AdversarialIterations = energyModel ? EnergyModelOptions.DensityAdversarialIterations : null };
        return FitTime.Measure(mlContext, name, view, features.Length, features[0].Length, options, anomaly: true, model =>
        {
            var scores = mlContext.Data.CreateEnumerable<ScoreRow>(model.Transform(view), reuseRowObject: false).Select(r => (double)r.Score).ToArray();
            return AnomalyExperiment.Auroc(scores, labels);
        });
    }

    private static FitTime Density(MLContext mlContext, string name, float[][] train, float[][] test, int seed)
    {
        var view = StreamedRows.Load(mlContext, train, train.Length);
        return FitTime.Measure(mlContext, name, view, train.Length, train[0].Length, new EnergyModelOptions { Seed = seed }, anomaly: false, model => HeldOut(model, test));
    }

    // 1M rows written to a CSV file and read back by TextLoader at every pass (the fit holds them in memory if they fit).
    private static FitTime StreamedFromCsv(MLContext mlContext, int rows, int d, float[][] test)
    {
        string path = Path.Combine(Path.GetTempPath(), $"gcl-fit-time-{rows}x{d}.csv");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                for (int start = 0; start < rows; start += 50_000)
                {
                    foreach (var row in SyntheticRows.Create(Math.Min(50_000, rows - start), d, seed: 1000 + start))
                    {
                        writer.WriteLine(string.Join(',', row.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
                    }
                }
            }
            var view = mlContext.Data.LoadFromTextFile(path, [new TextLoader.Column("Features", DataKind.Single, 0, d - 1)], separatorChar: ',');
            return FitTime.Measure(mlContext, $"synthetic {rows / 1_000_000}M x {d}, CSV", view, rows, d, new EnergyModelOptions { Seed = 0 }, anomaly: false, model => HeldOut(model, test));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double HeldOut(EnergyModelTransformer model, float[][] test)
    {
        var energy = new float[test.Length];
        var logDensity = new float[test.Length];
        model.Model.Score(SyntheticRows.Flat(test), energy, logDensity);
        return logDensity.Average(v => v - model.Model.Summary.StandardizationLogDeterminant);
    }

    // One wbc fit of the full energy model alone, then two at once in two threads, then two at once in two processes (this program's fit-one).
    private static void Concurrency(MarkdownReport report, MLContext mlContext, string dataDirectory)
    {
        var (features, labels) = CsvTable.Load(Path.Combine(dataDirectory, "wbc.csv")).Split("label");
        double alone = Anomaly(mlContext, "wbc", features, labels, seed: 0, energyModel: true).WallSeconds;
        var threads = Enumerable.Range(0, 2).Select(i => Task.Run(() => Anomaly(new MLContext(seed: i), "wbc", features, labels, seed: i, energyModel: true).WallSeconds)).ToArray();
        Task.WaitAll(threads);
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, 2).Select(i => ChildFit(dataDirectory, i)).ToList();
        foreach (var process in processes)
        {
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"A child fit failed: {process.StandardError.ReadToEnd()}");
        }
        double twoProcesses = clock.Elapsed.TotalSeconds;
        double twoThreads = threads.Max(t => t.Result);
        report.Table([$"wbc fit of the energy model (AdversarialIterations = {EnergyModelOptions.DensityAdversarialIterations})", "seconds (wall)", "ratio to one alone (target: at most 2.5)"],
        [
            ["one alone", $"{alone:F1}", "1.00"],
            ["two at once, two threads of one process (slower of the two)", $"{twoThreads:F1}", $"{twoThreads / alone:F2}"],
            ["two at once, two processes (until both ended, process start included)", $"{twoProcesses:F1}", $"{twoProcesses / alone:F2}"],
        ]);
    }

    private static Process ChildFit(string dataDirectory, int seed)
    {
        string entry = typeof(FitTimeSection).Assembly.Location;
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(entry);
        foreach (var argument in new[] { "fit-one", Path.Combine(dataDirectory, "wbc.csv"), seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start)!;
    }

    /// <summary>The transformer's Score column.</summary>
    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
