using System.Diagnostics;
using Gcl.MLNet.Model;
using Gcl.MLNet.Training;

namespace Gcl.MLNet.Benchmarks;

/// <summary>
/// Held-out log-likelihood of energy-model variants on a density train/test pair, in standardized units
/// (the unit of ../shared/data/README.md's baselines), with the log Z diagnostics and train time.
/// </summary>
internal static class DensityExperiment
{
    public static void Run(string name, string trainPath, string testPath, IReadOnlyList<(string Variant, EnergyModelOptions Options)> variants, long seed)
    {
        var train = CsvTable.Load(trainPath).Rows;
        var test = CsvTable.Load(testPath).Rows;
        Console.WriteLine($"## {name}: {train.Length} train / {test.Length} test rows x {train[0].Length} features, seed {seed}");
        Console.WriteLine("| variant | test LL mean | median | worst | val LL | flow val LL | log Z ± SE | ESS % | k-hat | reliable | best iter | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (variant, options) in variants)
        {
            var r = Measure(train, test, options, seed);
            var s = r.Summary;
            var p = s.Partition;
            Console.WriteLine(
                $"| {variant} | {r.TestMean:F3} | {r.TestMedian:F3} | {r.TestWorst:F2} | " +
                $"{s.ValidationLogLikelihood - s.StandardizationLogDeterminant:F3} | {s.FlowValidationLogLikelihood - s.StandardizationLogDeterminant:F3} | " +
                $"{p.LogZ:F3} ± {p.StandardError:F3} | {100 * p.EffectiveSampleSize / p.SampleCount:F1} | {p.ParetoK:F2} | {p.IsReliable} | {s.BestIteration} | {r.Seconds:F1} |");
        }
    }

    /// <summary>
    /// One variant's held-out log-likelihoods (standardized units: mean, median, worst row), summary, train seconds, test
    /// rows scored per second and the mean log-likelihood of (up to 4,000 of) the training rows, which a kernel term lifts.
    /// </summary>
    public sealed record Result(double TestMean, double TestMedian, double TestWorst, TrainingSummary Summary, double Seconds, double ScoredRowsPerSecond,
        double TrainMean);

    /// <summary>Trains one variant on <paramref name="train"/> and scores <paramref name="test"/>; <paramref name="log"/> prints progress.</summary>
    public static Result Measure(float[][] train, float[][] test, EnergyModelOptions options, long seed, bool log = true)
    {
        var clock = Stopwatch.StartNew();
        using var model = Train(train, options, seed, log);
        double seconds = clock.Elapsed.TotalSeconds;
        var energy = new float[test.Length];
        var logDensity = new float[test.Length];
        var scoring = Stopwatch.StartNew();
        model.Score(test.SelectMany(r => r).ToArray(), energy, logDensity);
        double rowsPerSecond = test.Length / scoring.Elapsed.TotalSeconds;
        var standardized = logDensity.Select(v => v - model.Summary.StandardizationLogDeterminant).OrderBy(v => v).ToArray();
        return new Result(standardized.Average(), standardized[standardized.Length / 2], standardized[0], model.Summary, seconds, rowsPerSecond,
            MeanLogDensity(model, train.Take(4000).ToArray()) - model.Summary.StandardizationLogDeterminant);
    }

    private static double MeanLogDensity(EnergyModel model, float[][] rows)
    {
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        model.Score(rows.SelectMany(r => r).ToArray(), energy, logDensity);
        return logDensity.Average(v => (double)v);
    }

    /// <summary>Fits <paramref name="rows"/> in memory, with the adversarial budget <paramref name="purpose"/>'s entry point would choose.</summary>
    internal static EnergyModel Train(float[][] rows, EnergyModelOptions options, long seed, bool log = true, FitPurpose purpose = FitPurpose.Density) =>
        InMemoryTrainer.Train(rows, options.ToSettings(seed, purpose), options.ValidationFraction, log ? p => Console.Error.WriteLine(p.Describe()) : null);
}
