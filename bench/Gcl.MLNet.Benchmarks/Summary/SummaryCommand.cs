using System.Diagnostics;
using System.Globalization;
using Gcl.MLNet.Native;
using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// <c>summary [--out FILE.md] [--threads N] [--data DIR] [--memory-rows N] [--only a,b]</c>: every benchmark in one
/// run, one markdown report (printed and written to FILE.md, default <c>benchmark-summary.md</c>). Sections:
/// machine, threads (1 against 2), scoring, explanations, training, memory, load, peers, quality, fit times, gcl score on
/// 10M rows, targets. <c>--threads</c> fixes
/// torch's thread count for every section after the thread comparison (default: that comparison's winner);
/// <c>--data</c> is ../shared/data by default;
/// <c>--memory-rows</c> (default 10,000,000) the rows scored in the memory run; <c>--only</c> runs the named
/// sections (scoring, explain, training, memory, load, peers, quality, threads, fit-time, tool) and is for development.
/// </summary>
internal static class SummaryCommand
{
    /// <summary>Runs the summary with the command's arguments (after the word <c>summary</c>).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string output = Option(args, "--out") ?? "benchmark-summary.md";
        int? requested = Option(args, "--threads") is { } count ? int.Parse(count, CultureInfo.InvariantCulture) : null;
        if (requested is not (null or 1 or 2)) throw new ArgumentOutOfRangeException(nameof(args), requested, "--threads must be 1 or 2 (the machine kind has 2 cores).");
        var only = Option(args, "--only")?.Split(',').ToHashSet();
        string dataDirectory = Option(args, "--data") ?? Path.Combine("..", "shared", "data");
        long scoredRows = long.Parse(Option(args, "--memory-rows") ?? "10000000", CultureInfo.InvariantCulture);
        bool Wanted(string section) => only is null || only.Contains(section);

        var clock = Stopwatch.StartNew();
        var report = new MarkdownReport();
        var mlContext = new MLContext(seed: 1);
        report.Heading("Machine");
        report.Line(MachineDescription.Describe());
        var limit = new MachineLimit();
        limit.Observe([1, 2], onnx: true);
        report.Table(["fp32 matmul 2048 x 2048, GFLOP/s (best of 3 rounds)", "1 thread", "2 threads"],
        [
            ["through TorchSharp (libtorch's BLAS): the peak every \"% of peak\" refers to", $"{limit.Torch(1):F0}", $"{limit.Torch(2):F0}"],
            ["through ONNX Runtime (one MatMul node)", $"{limit.Onnx(1):F0}", $"{limit.Onnx(2):F0}"],
        ]);
        report.Line("Issue 8's reference machine (2 cores, AVX-512): about 367 GFLOP/s with 2 threads through oneDNN, about 205 through OpenBLAS. " +
            "The peaks are re-measured before the sections that use them; each uses the best seen so far in the run.");

        // Models are fitted with one thread (fast and robust under load); every measure then says its thread count.
        TorchRuntime.SetThreads(1);
        var models = new[] { 10, 50, 100 }.Select(d => QuickModel.Fit(mlContext, d)).ToList();
        try
        {
            int chosen = Wanted("threads") ? ThreadSection.Run(report, mlContext, models.Where(m => m.Features is 10 or 100).ToList(), limit) : 1;
            int threads = requested ?? chosen;
            TorchRuntime.SetThreads(threads);
            report.Line($"The sections below run with **{threads} torch thread{(threads == 1 ? "" : "s")}** ({(requested is null ? "the winner above" : "--threads")}).");

            var scoring = Wanted("scoring") ? ScoringSection.Run(report, mlContext, models, threads, limit) : [];
            if (Wanted("explain")) ExplanationSection.Run(report, models, threads);
            var training = Wanted("training") ? TrainingSection.Run(report, mlContext, threads, limit, dataDirectory) : null;
            var memory = Wanted("memory") ? MemorySection.Run(report, mlContext, models[0], scoredRows, threads) : [];
            if (Wanted("load")) LoadCostSection.Run(report, repeats: 3);
            if (Wanted("peers") && scoring.Count > 0) PeerSpeedSection.Run(report, mlContext, models, scoring, threads);
            if (Wanted("quality")) QualitySection.Run(report, mlContext, dataDirectory, threads);
            if (Wanted("fit-time")) FitTimeSection.Run(report, mlContext, dataDirectory, largest: 1_000_000);
            if (Wanted("tool")) ToolScoreSection.Run(report, Directory.GetCurrentDirectory());
            TargetsSection.Run(report, mlContext, scoring, models, training, memory, limit, threads);
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }

        report.Line($"Summary run time: {clock.Elapsed.TotalMinutes:F1} minutes; load average at the end {MachineDescription.LoadAverage()}.");
        File.WriteAllText(output, report.ToString());
        Console.WriteLine($"Written to {Path.GetFullPath(output)}");
        return 0;
    }

    internal static string? Option(IReadOnlyList<string> args, string name)
    {
        for (int i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == name) return args[i + 1];
        }
        return null;
    }
}
