using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The scoring section: scoring at 10, 50 and 100 features with the default networks, four paths, rows/s, achieved GFLOP/s
/// (<see cref="NetworkFlops"/>) and their share of the matmul peak at the same thread count; then TorchSharp against
/// ONNX Runtime side by side.
/// </summary>
internal static class ScoringSection
{
    /// <summary>Measures each model, writes the tables and returns the results.</summary>
    public static IReadOnlyList<ScoringSpeed.Result> Run(MarkdownReport report, MLContext mlContext, IReadOnlyList<QuickModel> models, int threads, MachineLimit limit)
    {
        limit.Observe([threads, 2]);
        double peak = limit.Torch(threads), onnxPeak = limit.Torch(2);
        var results = models.Select(m => ScoringSpeed.Measure(mlContext, m.Model, m.Rows, onnxThreads: 2)).ToList();

        report.Heading($"Scoring (default networks, torch threads: {threads})");
        report.Line($"FLOP per row counted from the layer shapes (2·in·out per linear layer, 2·d² per invertible linear map; elementwise work left out). " +
            $"% of peak: against the {threads}-thread TorchSharp matmul peak, {peak:F0} GFLOP/s (ONNX Runtime rows: the 2-thread one, {onnxPeak:F0}). Transform: 65,536 streamed rows per pass, every output column read; " +
            "PredictionEngine: one row per call; ONNX Runtime: the exported scoring ONNX, IntraOpNumThreads = 2. Best of 3 rounds.");
        var table = new List<IReadOnlyList<string>>();
        foreach (var r in results)
        {
            string[] Cells(string path, double rowsPerSecond, string share, double against) =>
                [$"{r.Features}", $"{r.FlopsPerRow:N0}", path, $"{rowsPerSecond:N0}", $"{rowsPerSecond * r.FlopsPerRow / 1e9:F1}",
                    $"{100 * rowsPerSecond * r.FlopsPerRow / 1e9 / against:F1}", share];
            table.Add(Cells("EnergyModel.Score, batch 4096", r.Batched, "100", peak));
            table.Add(Cells("Transform (ML.NET cursor)", r.Transform, $"{100 * r.Transform / r.Batched:F0}", peak));
            table.Add(Cells($"PredictionEngine: {r.EngineMicroseconds:F0} µs/row", 1e6 / r.EngineMicroseconds, $"{100 * 1e6 / r.EngineMicroseconds / r.Batched:F2}", peak));
            table.Add(Cells($"ONNX Runtime, batch 4096, {r.OnnxThreads} threads", r.Onnx, $"{100 * r.Onnx / r.Batched:F0}", onnxPeak));
        }
        report.Table(["features", "FLOP/row", "path", "rows/s", "GFLOP/s", "% of peak", "% of batched"], table);

        report.Line($"TorchSharp against ONNX Runtime on the same model and rows (issue 6), batches of 4096: TorchSharp with torch threads: {threads}; " +
            $"ONNX Runtime with 2 intra-op threads, and with {threads} like TorchSharp.");
        var sameThreads = models.Select(m => threads == 2 ? results.First(r => r.Features == m.Features).Onnx : ScoringSpeed.Onnx(m.Model, SyntheticRows.Flat(m.Rows), threads)).ToArray();
        report.Table(["features", "TorchSharp rows/s", "ONNX Runtime, 2 threads, rows/s", "ratio", $"ONNX Runtime, {threads} thread(s), rows/s", "ratio"],
            results.Select((r, i) => (IReadOnlyList<string>)[$"{r.Features}", $"{r.Batched:N0}", $"{r.Onnx:N0}", $"{r.Onnx / r.Batched:F2}x", $"{sameThreads[i]:N0}", $"{sameThreads[i] / r.Batched:F2}x"]));
        return results;
    }
}
