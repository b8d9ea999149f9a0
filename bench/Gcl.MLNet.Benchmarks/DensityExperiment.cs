using System.Diagnostics;
using Gcl.MLNet.MLNet;
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
            var clock = Stopwatch.StartNew();
            using var model = Train(train, options, seed);
            double seconds = clock.Elapsed.TotalSeconds;
            var s = model.Summary;
            var flat = test.SelectMany(r => r).ToArray();
            var energy = new float[test.Length];
            var logDensity = new float[test.Length];
            model.Score(flat, energy, logDensity);
            var standardized = logDensity.Select(v => v - s.StandardizationLogDeterminant).OrderBy(v => v).ToArray();
            var p = s.Partition;
            Console.WriteLine(
                $"| {variant} | {standardized.Average():F3} | {standardized[standardized.Length / 2]:F3} | {standardized[0]:F2} | " +
                $"{s.ValidationLogLikelihood - s.StandardizationLogDeterminant:F3} | {s.FlowValidationLogLikelihood - s.StandardizationLogDeterminant:F3} | " +
                $"{p.LogZ:F3} ± {p.StandardError:F3} | {100 * p.EffectiveSampleSize / p.SampleCount:F1} | {p.ParetoK:F2} | {p.IsReliable} | {s.BestIteration} | {seconds:F1} |");
        }
    }

    internal static Model.EnergyModel Train(float[][] rows, EnergyModelOptions options, long seed) =>
        InMemoryTrainer.Train(rows, options.ToSettings(seed), options.ValidationFraction, p => Console.Error.WriteLine(p.Describe()));
}
