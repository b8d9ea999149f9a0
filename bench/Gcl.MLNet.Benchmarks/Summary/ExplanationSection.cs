namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The explanations section: the cost per row of <c>EnergyModel.Explain</c> (integrated gradients, 16 gradient
/// passes of the energy per row) in one batch of 1024 rows and one row per call, next to plain scoring
/// (<c>EnergyModel.Score</c>) the same two ways, at 10, 50 and 100 features with the default networks.
/// </summary>
internal static class ExplanationSection
{
    /// <summary>Rows per call of the batched measures.</summary>
    public const int Batch = 1024;

    /// <summary>Measures each model and writes the table.</summary>
    public static void Run(MarkdownReport report, IReadOnlyList<QuickModel> models, int threads)
    {
        report.Heading($"Explanations (default networks, torch threads: {threads})");
        report.Line($"µs per row, best of 3 rounds. Batched: one call of {Batch} rows; single: one row per call (plain scoring of one row " +
            "takes the managed path, explaining always TorchSharp's autograd). FeatureContributions is a column only Explain and " +
            "WithExplanations add, so plain Transform and PredictionEngine calls do not pay for it.");
        var table = new List<IReadOnlyList<string>>();
        foreach (var m in models)
        {
            var model = m.Model.Model;
            int d = model.FeatureCount;
            var batch = SyntheticRows.Flat(m.Rows[..Batch]);
            double scoreBatched = Microseconds(model, batch, explain: false), scoreSingle = Microseconds(model, batch[..d], explain: false);
            double explainBatched = Microseconds(model, batch, explain: true), explainSingle = Microseconds(model, batch[..d], explain: true);
            table.Add([$"{d}", $"{scoreBatched:F2}", $"{explainBatched:F1}", $"{explainBatched / scoreBatched:F0}x",
                $"{scoreSingle:F1}", $"{explainSingle:F0}", $"{explainSingle / scoreSingle:F0}x"]);
        }
        report.Table(["features", "Score, batched", "Explain, batched", "ratio", "Score, single row", "Explain, single row", "ratio"], table);
    }

    // µs per row of Score or Explain on the rows of flat, in one call.
    private static double Microseconds(EnergyModel model, float[] flat, bool explain)
    {
        int rows = flat.Length / model.FeatureCount;
        var energy = new float[rows];
        var logDensity = new float[rows];
        var contributions = new float[flat.Length];
        double perSecond = Rate.PerSecond(() =>
        {
            if (explain) model.Explain(flat, contributions);
            else model.Score(flat, energy, logDensity);
            return rows;
        });
        return 1e6 / perSecond;
    }
}
