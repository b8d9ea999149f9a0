using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The quality section: the quality table, one seed, the energy model (the density entry's default), the flow alone
/// (AdversarialIterations = 0, the anomaly entry's default) and, on the density sets, the energy model without its kernel term,
/// next to the published baselines; and the wall time the default run takes to reach a fixed validation
/// log-likelihood on wdbc (<see cref="WdbcThreshold"/>, standardized units: above the flow alone, below where the default ends).
/// </summary>
internal static class QualitySection
{
    /// <summary>The validation log-likelihood (nats per row, standardized) the time-to-likelihood measure waits for.</summary>
    public const double WdbcThreshold = -4.5;

    private static readonly (string Name, EnergyModelOptions Options)[] Variants =
    [
        ($"energy model (AdversarialIterations = {EnergyModelOptions.DensityAdversarialIterations}, the density default)", new EnergyModelOptions { AdversarialIterations = EnergyModelOptions.DensityAdversarialIterations }),
        ("flow alone (AdversarialIterations = 0, the anomaly default)", new EnergyModelOptions { AdversarialIterations = 0 }),
        ("energy model without the kernel term (KernelCenters = 0)", new EnergyModelOptions { AdversarialIterations = EnergyModelOptions.DensityAdversarialIterations, KernelCenters = 0 }),
    ];

    /// <summary>Trains and reports; <paramref name="dataDirectory"/> holds the CSV files of ../shared/data.</summary>
    public static void Run(MarkdownReport report, MLContext mlContext, string dataDirectory, int threads)
    {
        report.Heading($"Quality next to the published baselines (seed 1, torch threads: {threads})");
        report.Line("Held-out log-likelihood in nats per row, standardized units (mean; median and worst row in brackets); baselines from ../shared/data/README.md (scikit-learn).");
        var densityRows = new List<IReadOnlyList<string>>();
        TrainingSummary? wdbc = null;
        foreach (var set in PublishedBaselines.Density.Keys)
        {
            var train = CsvTable.Load(Path.Combine(dataDirectory, $"density_{set}_train.csv")).Rows;
            var test = CsvTable.Load(Path.Combine(dataDirectory, $"density_{set}_test.csv")).Rows;
            var results = Variants.Select(v => DensityExperiment.Measure(train, test, v.Options, seed: 1, log: false)).ToArray();
            wdbc ??= set == "wdbc" ? results[0].Summary : null;
            var p = results[0].Summary.Partition;
            var b = PublishedBaselines.Density[set];
            densityRows.Add([$"{set} ({train.Length} / {test.Length} x {train[0].Length})", Describe(results[0]),
                $"{p.LogZ:F2} ± {p.StandardError:F3}, ESS {100 * p.EffectiveSampleSize / p.SampleCount:F0}%, {(p.IsReliable ? "reliable" : "**unreliable**")}",
                Describe(results[1]), Describe(results[2]), $"{b.Mixture:F2}", $"{b.Kde:F2}", $"{b.Gaussian:F2}",
                $"{results[0].Seconds:F0} / {results[1].Seconds:F0} / {results[2].Seconds:F0}"]);
        }
        report.Table(["set (train / test x features)", "energy model (defaults)", "its log Z", "flow alone", "energy model, no kernel term", "Gaussian mixture", "KDE", "single Gaussian",
            "train s (model / flow / no kernel)"], densityRows);
        report.Line("The density entry's defaults include the kernel term when validation keeps it (KernelCenters 16,384): \"kernel w\" gives its share of the density; the anomaly entry has none.");

        report.Line("Anomaly AUROC, unsupervised protocol (fit on all rows, score the same rows); RandomizedPca measured here (features standardized, rank min(20, d/2), ML.NET's Score as it comes), the rest from ../shared/data/README.md.");
        var anomalyRows = new List<IReadOnlyList<string>>();
        foreach (var set in PublishedBaselines.Anomaly.Keys)
        {
            var (features, labels) = CsvTable.Load(Path.Combine(dataDirectory, $"{set}.csv")).Split("label");
            var results = Variants.Take(2).Select(v => AnomalyExperiment.Measure(features, labels, v.Options, seed: 1, log: false)).ToArray();
            var b = PublishedBaselines.Anomaly[set];
            anomalyRows.Add([$"{set} ({features.Length} x {features[0].Length})", $"{results[0].Auroc:F3}", $"{results[1].Auroc:F3}",
                $"{PcaPeer.Auroc(mlContext, features, labels):F3}", $"{b.IsolationForest:F3}", $"{b.Lof:F3}", $"{b.OneClassSvm:F3}", $"{b.Mixture:F3}", $"{b.Kde:F3}",
                $"{results[0].Seconds:F0} / {results[1].Seconds:F0}"]);
        }
        report.Table(["set (rows x features)", $"energy model ({EnergyModelOptions.DensityAdversarialIterations} iterations)", "flow alone (the default here)", "RandomizedPca (ML.NET)", "IsolationForest", "LOF", "OneClassSVM", "Gaussian mixture", "KDE", "train s (model / flow)"], anomalyRows);

        if (wdbc is not null) report.Line(TimeToLikelihood(wdbc));
    }

    private static string Describe(DensityExperiment.Result r) =>
        $"{r.TestMean:F2} ({r.TestMedian:F2}, {r.TestWorst:F0})" + (r.Summary.KernelCenters > 0 ? $", kernel w {r.Summary.KernelWeight:F2}" : "");

    private static string TimeToLikelihood(TrainingSummary summary)
    {
        double standardization = summary.StandardizationLogDeterminant;
        var reached = summary.History.FirstOrDefault(p => p.Phase != TrainingPhase.Partition && p.ValidationLogLikelihood >= WdbcThreshold);
        string when = reached is null
            ? "was **not reached**"
            : $"was first reached after {reached.Elapsed.TotalSeconds:F1} s ({reached.Phase} step {reached.Step})";
        return $"Time to a fixed validation log-likelihood: on wdbc with the defaults, {WdbcThreshold:F1} nats per row (standardized) {when}; " +
            $"the flow alone ends at {summary.FlowValidationLogLikelihood - standardization:F2}, the model at {summary.ValidationLogLikelihood - standardization:F2} " +
            $"after {summary.Duration.TotalSeconds:F1} s in all.";
    }
}
