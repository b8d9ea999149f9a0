using System.Globalization;
using Gcl.MLNet.Training;

namespace Gcl.MLNet.Benchmarks;

/// <summary>
/// The quality issue's grid: every development set (anomaly AUROC, or held-out log-likelihood with its median and
/// worst row) for each named variant and seed, one markdown line per fit, printed as soon as it is measured.
/// </summary>
internal static class QualityGrid
{
    // The candidates were measured with the training noise of before the entry points chose it (docs/experiments.md, sections 10-11).
    private const double SessionFourNoise = 0.05;

    // The candidates of the energy model set its budget, so that anomaly sets fit it too.
    private static readonly int EnergyIterations = EnergyModelOptions.DensityAdversarialIterations;

    /// <summary>The variants the grid can run, by name: the defaults, the flow alone, and candidates under study.</summary>
    public static readonly IReadOnlyDictionary<string, EnergyModelOptions> Variants = new Dictionary<string, EnergyModelOptions>
    {
        ["defaults"] = new(),
        ["energy"] = new() { AdversarialIterations = EnergyModelOptions.DensityAdversarialIterations, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["flow"] = new() { AdversarialIterations = 0, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["energy-no-kernel"] = new() { AdversarialIterations = EnergyModelOptions.DensityAdversarialIterations, TrainingNoise = EnergyModelOptions.DensityTrainingNoise, KernelCenters = 0 },
        ["anomaly-kernel"] = new() { KernelCenters = EnergyModelOptions.DensityKernelCenters },
        ["kernel-4096"] = new() { AdversarialIterations = EnergyModelOptions.DensityAdversarialIterations, TrainingNoise = EnergyModelOptions.DensityTrainingNoise, KernelCenters = 4096 },
        ["kernel-8192"] = new() { AdversarialIterations = EnergyModelOptions.DensityAdversarialIterations, TrainingNoise = EnergyModelOptions.DensityTrainingNoise, KernelCenters = 8192 },
        ["old"] = new() { TailWeight = 0, TrainingNoise = 0 },
        ["old-flow"] = new() { TailWeight = 0, TrainingNoise = 0, AdversarialIterations = 0 },
        ["tail-only"] = new() { TrainingNoise = 0 },
        ["noise-only"] = new() { TailWeight = 0, TrainingNoise = SessionFourNoise },
        ["noise-0.1"] = new() { TrainingNoise = 0.1 },
        ["noise-0.02"] = new() { TrainingNoise = 0.02 },
        ["noise-0.2"] = new() { TrainingNoise = 0.2 },
        ["noise-0.3"] = new() { TrainingNoise = 0.3 },
        ["noise-0.5"] = new() { TrainingNoise = 0.5 },
        ["noise-1"] = new() { TrainingNoise = 1 },
        ["flow-8x128"] = new() { AdversarialIterations = EnergyIterations, FlowBlocks = 8, FlowHiddenWidth = 128, TrainingNoise = SessionFourNoise },
        ["flow-6x96"] = new() { AdversarialIterations = EnergyIterations, FlowBlocks = 6, FlowHiddenWidth = 96, TrainingNoise = SessionFourNoise },
        ["flow-2x16"] = new() { AdversarialIterations = 0, FlowBlocks = 2, FlowHiddenWidth = 16, TrainingNoise = SessionFourNoise },
        ["flow-2x32"] = new() { AdversarialIterations = 0, FlowBlocks = 2, FlowHiddenWidth = 32, TrainingNoise = SessionFourNoise },
        ["flow-4x32"] = new() { AdversarialIterations = 0, FlowBlocks = 4, FlowHiddenWidth = 32, TrainingNoise = SessionFourNoise },
        ["flow-4x16"] = new() { AdversarialIterations = 0, FlowBlocks = 4, FlowHiddenWidth = 16, TrainingNoise = SessionFourNoise },
        ["flow-20k"] = new() { AdversarialIterations = 0, WarmStartSteps = 20_000, TrainingNoise = SessionFourNoise },
        ["flow-8x128-20k"] = new() { AdversarialIterations = 0, WarmStartSteps = 20_000, FlowBlocks = 8, FlowHiddenWidth = 128, TrainingNoise = SessionFourNoise },
        ["spline"] = new() { AdversarialIterations = EnergyIterations, FlowLayer = FlowLayerKind.RationalQuadraticSpline, TrainingNoise = SessionFourNoise },
        ["spline-flow"] = new() { AdversarialIterations = 0, FlowLayer = FlowLayerKind.RationalQuadraticSpline, TrainingNoise = SessionFourNoise },
        ["tilt-10"] = new() { AdversarialIterations = EnergyIterations, TiltBound = 10, TrainingNoise = SessionFourNoise },
        // The adversarial stage's defaults before section 13.
        ["adv-1000-b256-lr3e-3"] = new() { AdversarialIterations = 1000, AdversarialBatchSize = 256, EnergyLearningRate = 3e-3, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        // Section 12's budget candidates, at the adversarial batch and energy rate of their day (b1024: both batches).
        ["adv-300"] = new() { AdversarialIterations = 300, AdversarialBatchSize = 256, EnergyLearningRate = 3e-3, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-300-b1024"] = new() { AdversarialIterations = 300, AdversarialBatchSize = 1024, EnergyLearningRate = 3e-3, BatchSize = 1024, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-300-lr1e-2"] = new() { AdversarialIterations = 300, AdversarialBatchSize = 256, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-300-b1024-lr1e-2"] = new() { AdversarialIterations = 300, AdversarialBatchSize = 1024, BatchSize = 1024, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-150-b1024-lr1e-2"] = new() { AdversarialIterations = 150, AdversarialBatchSize = 1024, BatchSize = 1024, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-150-ab1024-lr1e-2"] = new() { AdversarialIterations = 150, AdversarialBatchSize = 1024, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-200-ab1024-lr1e-2"] = new() { AdversarialIterations = 200, AdversarialBatchSize = 1024, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-300-ab1024-lr1e-2"] = new() { AdversarialIterations = 300, AdversarialBatchSize = 1024, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-400-ab1024-lr1e-2"] = new() { AdversarialIterations = 400, AdversarialBatchSize = 1024, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["adv-300-ab512-lr1e-2"] = new() { AdversarialIterations = 300, AdversarialBatchSize = 512, EnergyLearningRate = 1e-2, TrainingNoise = EnergyModelOptions.DensityTrainingNoise },
        ["anomaly-2x16"] = new() { FlowBlocks = 2, FlowHiddenWidth = 16 },
        ["anomaly-2x32"] = new() { FlowBlocks = 2, FlowHiddenWidth = 32 },
        ["anomaly-4x16"] = new() { FlowBlocks = 4, FlowHiddenWidth = 16 },
        ["anomaly-4x32"] = new() { FlowBlocks = 4, FlowHiddenWidth = 32 },
        ["warm-batch-64"] = new() { BatchSize = 64 },
        ["warm-batch-128"] = new() { BatchSize = 128 },
        ["warm-batch-512"] = new() { BatchSize = 512 },
        ["tilt-10-lowpen"] = new() { AdversarialIterations = EnergyIterations, TiltBound = 10, EnergyPenalty = 1e-3, TrainingNoise = SessionFourNoise },
    };

    private static readonly string[] AnomalySets = { "wbc", "wine", "glass", "pima" };
    private static readonly string[] DensitySets = { "wdbc", "vehicle_deq", "letter_deq" };

    /// <summary>
    /// Runs <c>quality [--data DIR] [--sets a,b] [--seeds 0,1,2] [--variants a,b] [--ensemble K]</c>. Anomaly sets are fitted as
    /// the anomaly entry point fits them (so "defaults" is the flow alone with noise 0.5 there); "energy" and "flow" are the
    /// density entry's settings with and without the adversarial stage. With
    /// <c>--ensemble K</c>, each line is the equal mixture of K fits (seeds 1000 s to 1000 s + K - 1) beside its first fit alone.
    /// </summary>
    public static int Run(string[] args)
    {
        string data = Option(args, "--data") ?? Path.Combine("..", "shared", "data");
        var sets = (Option(args, "--sets") ?? string.Join(',', AnomalySets.Concat(DensitySets))).Split(',');
        var seeds = (Option(args, "--seeds") ?? "0,1,2").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var variants = (Option(args, "--variants") ?? "defaults,flow").Split(',');
        int ensemble = int.Parse(Option(args, "--ensemble") ?? "1", CultureInfo.InvariantCulture);
        Console.WriteLine("| set | variant | seed | quality | median | worst | log Z | ESS % | k-hat | log Z reliable | warnings | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var set in sets)
        {
            foreach (var variant in variants)
            {
                foreach (var seed in seeds)
                {
                    Console.WriteLine(ensemble > 1 ? EnsembleLine(data, set, variant, Variants[variant], seed, ensemble) : Line(data, set, variant, Variants[variant], seed));
                }
            }
        }
        return 0;
    }

    // The features and labels of an anomaly set (a development file or a synthetic check), or null for a density set.
    private static (float[][] Features, float[] Labels)? AnomalyData(string data, string set) => set switch
    {
        "spikes" => Spikes(),
        "digits" => SyntheticDigits.Create(),
        _ when AnomalySets.Contains(set) => CsvTable.Load(Path.Combine(data, $"{set}.csv")).Split("label"),
        _ => null,
    };

    private static string Line(string data, string set, string variant, EnergyModelOptions options, long seed)
    {
        if (AnomalyData(data, set) is (var features, var labels))
        {
            var a = AnomalyExperiment.Measure(features, labels, options, seed, log: false);
            return $"| {set} | {variant} | {seed} | {a.Auroc:F3} | | | | | | {a.Reliable} | {Warnings(a.Warnings)} | {a.Seconds:F1} (validation log-likelihood {a.ValidationLogLikelihood:F3}) |";
        }
        var train = CsvTable.Load(Path.Combine(data, $"density_{set}_train.csv")).Rows;
        var test = CsvTable.Load(Path.Combine(data, $"density_{set}_test.csv")).Rows;
        var r = DensityExperiment.Measure(train, test, options, seed, log: false);
        var p = r.Summary.Partition;
        return $"| {set} | {variant} | {seed} | {r.TestMean:F3} | {r.TestMedian:F3} | {r.TestWorst:F1} | {p.LogZ:F3} | " +
            $"{100 * p.EffectiveSampleSize / p.SampleCount:F1} | {p.ParetoK:F2} | {p.IsReliable} | {Warnings(r.Summary.Warnings)} | {r.Seconds:F1} (adversarial stage {AdversarialSeconds(r.Summary):F1} s, best iteration {r.Summary.BestIteration} of {r.Summary.AdversarialIterations}; kernel {r.Summary.KernelCenters} centers, w {r.Summary.KernelWeight:F2}, bandwidth {r.Summary.KernelBandwidth:F3}; scores {r.ScoredRowsPerSecond:N0} rows/s; training rows {r.TrainMean:F2}) |";
    }

    // From the start of the adversarial stage to the start of the final log Z, by the progress reports' clock.
    private static double AdversarialSeconds(TrainingSummary summary)
    {
        double Start(TrainingPhase phase) => summary.History.FirstOrDefault(p => p.Phase == phase)?.Elapsed.TotalSeconds ?? 0;
        return Start(TrainingPhase.Partition) - Start(TrainingPhase.Adversarial);
    }

    // The equal mixture of k fits, log mean exp of their log-densities: AUROC on the same rows, or held-out log-likelihood.
    private static string EnsembleLine(string data, string set, string variant, EnergyModelOptions options, long seed, int k)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var anomalyData = AnomalyData(data, set);
        bool anomaly = anomalyData is not null;
        float[][] train, scored;
        float[]? labels = null;
        if (anomalyData is (var features, var rowLabels))
        {
            (train, labels, scored) = (features, rowLabels, features);
        }
        else
        {
            train = CsvTable.Load(Path.Combine(data, $"density_{set}_train.csv")).Rows;
            scored = CsvTable.Load(Path.Combine(data, $"density_{set}_test.csv")).Rows;
        }
        var fits = new double[k][];
        double standardization = 0;
        for (int j = 0; j < k; j++)
        {
            using var model = DensityExperiment.Train(train, options, seed * 1000 + j, log: false, anomaly ? FitPurpose.AnomalyDetection : FitPurpose.Density);
            var energy = new float[scored.Length];
            var logDensity = new float[scored.Length];
            model.Score(scored.SelectMany(r => r).ToArray(), energy, logDensity);
            fits[j] = logDensity.Select(v => (double)v).ToArray();
            standardization = model.Summary.StandardizationLogDeterminant;
        }
        var mixture = Enumerable.Range(0, scored.Length).Select(i =>
        {
            double top = fits.Max(f => f[i]);
            return top + Math.Log(fits.Average(f => Math.Exp(f[i] - top)));
        }).ToArray();
        if (anomaly)
        {
            return $"| {set} | {variant} x{k} | {seed} | {AnomalyExperiment.Auroc(mixture.Select(v => -v).ToArray(), labels!):F3} | " +
                $"first fit {AnomalyExperiment.Auroc(fits[0].Select(v => -v).ToArray(), labels!):F3} | | | | | | | {clock.Elapsed.TotalSeconds:F1} |";
        }
        var sorted = mixture.Select(v => v - standardization).Order().ToArray();
        return $"| {set} | {variant} x{k} | {seed} | {sorted.Average():F3} | {sorted[sorted.Length / 2]:F3} | {sorted[0]:F1} | " +
            $"first fit {fits[0].Average() - standardization:F3} | | | | | {clock.Elapsed.TotalSeconds:F1} |";
    }

    /// <summary>
    /// The synthetic check for repeated values: 1,000 rows of 5 standard-normal features and 15 integer "pixel"
    /// columns that are 0 in 95% of rows and 1 to 16 otherwise, independent of the label; the 50 anomalies are shifted
    /// by 3 standard deviations in one of the normal features.
    /// </summary>
    internal static (float[][] Features, float[] Labels) Spikes()
    {
        var random = new Random(17);
        var features = new float[1000][];
        var labels = new float[1000];
        for (int i = 0; i < features.Length; i++)
        {
            var row = new float[20];
            for (int j = 0; j < 5; j++) row[j] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            for (int j = 5; j < 20; j++) row[j] = random.NextDouble() < 0.95 ? 0 : random.Next(1, 17);
            if (i % 20 == 0)
            {
                labels[i] = 1;
                row[random.Next(5)] += 3;
            }
            features[i] = row;
        }
        return (features, labels);
    }

    // The first words of each warning, so a table line stays short.
    private static string Warnings(IReadOnlyList<string> warnings) =>
        warnings.Count == 0 ? "none" : string.Join("; ", warnings.Select(w => string.Join(' ', w.Split(' ').Take(4))));

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
