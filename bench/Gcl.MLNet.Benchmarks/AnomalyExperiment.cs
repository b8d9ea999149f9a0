using System.Diagnostics;
using Gcl.MLNet.Training;

namespace Gcl.MLNet.Benchmarks;

/// <summary>
/// AUROC of energy-model variants on a labelled anomaly set under the unsupervised protocol of
/// ../shared/data/README.md: fit on all rows without labels, score the same rows (higher Score = more anomalous).
/// </summary>
internal static class AnomalyExperiment
{
    public static void Run(string name, string path, IReadOnlyList<(string Variant, EnergyModelOptions Options)> variants, long seed)
    {
        var (features, labels) = CsvTable.Load(path).Split("label");
        Console.WriteLine($"## {name}: {features.Length} rows x {features[0].Length} features, {labels.Count(l => l > 0)} anomalies, seed {seed}");
        Console.WriteLine("| variant | AUROC | log Z reliable | best iter | seconds |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (variant, options) in variants)
        {
            var r = Measure(features, labels, options, seed);
            Console.WriteLine($"| {variant} | {r.Auroc:F3} | {r.Reliable} | {r.BestIteration} | {r.Seconds:F1} |");
        }
    }

    /// <summary>One variant's AUROC, whether its log Z is reliable, its best iteration, train seconds and the fit's warnings.</summary>
    public sealed record Result(double Auroc, bool Reliable, int BestIteration, double Seconds, IReadOnlyList<string> Warnings, double ValidationLogLikelihood);

    /// <summary>Fits on all <paramref name="features"/> (as the anomaly entry point would) and scores them against <paramref name="labels"/>; <paramref name="log"/> prints progress.</summary>
    public static Result Measure(float[][] features, float[] labels, EnergyModelOptions options, long seed, bool log = true)
    {
        var clock = Stopwatch.StartNew();
        using var model = DensityExperiment.Train(features, options, seed, log, FitPurpose.AnomalyDetection);
        var energy = new float[features.Length];
        var logDensity = new float[features.Length];
        model.Score(features.SelectMany(r => r).ToArray(), energy, logDensity);
        double auc = Auroc(logDensity.Select(v => -(double)v).ToArray(), labels);
        return new Result(auc, model.Partition.IsReliable, model.Summary.BestIteration, clock.Elapsed.TotalSeconds, model.Summary.Warnings,
            model.Summary.ValidationLogLikelihood);
    }

    /// <summary>Area under the ROC curve: the probability that an anomaly outscores a normal row (ties count half).</summary>
    public static double Auroc(double[] scores, float[] labels)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        int i = 0;
        while (i < order.Length)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) if (labels[order[k]] > 0) rankSum += averageRank;
            i = j + 1;
        }
        long positives = labels.Count(l => l > 0), negatives = labels.Length - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}
