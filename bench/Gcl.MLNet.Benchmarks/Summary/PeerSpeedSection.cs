using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>The peer section: ML.NET's RandomizedPca fitted and scored on the same rows as the energy model in the scoring section.</summary>
internal static class PeerSpeedSection
{
    /// <summary>Measures PCA on 4096 synthetic rows per size and reports it next to the energy model's Transform rate.</summary>
    public static void Run(MarkdownReport report, MLContext mlContext, IReadOnlyList<QuickModel> models, IReadOnlyList<ScoringSpeed.Result> energyModel, int threads)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var r in energyModel)
        {
            var (fit, transform) = PcaPeer.Speed(mlContext, models.First(m => m.Features == r.Features).Rows);
            rows.Add([$"{r.Features}", $"{PcaPeer.Rank(r.Features)}", $"{fit:N0}", $"{transform:N0}", $"{r.Transform:N0}", $"{r.Transform / transform:F2}x"]);
        }
        report.Heading("Peer: ML.NET RandomizedPca on the same rows");
        report.Line($"Fit on the 4,096 rows the energy models were fitted on (rows/s of one Fit); Transform as in the scoring section (65,536 streamed rows per pass, every column read). Energy model Transform with torch threads: {threads}.");
        report.Table(["features", "PCA rank", "RandomizedPca fit rows/s", "RandomizedPca Transform rows/s", "energy model Transform rows/s", "energy model / PCA"], rows);
    }
}
