using Gcl.MLNet.Native;
using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The thread section: the same measures with 1 and 2 torch threads (ONNX Runtime: 1 and 2 intra-op threads), and which
/// wins each. Torch's thread count is process-wide (<see cref="TorchRuntime.SetThreads"/>, or
/// <c>EnergyModelOptions.Threads</c>). It runs before the other sections, which use the winner.
/// </summary>
internal static class ThreadSection
{
    /// <summary>
    /// Measures with each thread count and reports; returns the count that wins most measures (ties: 1), which the
    /// summary then uses unless <c>--threads</c> names one.
    /// </summary>
    public static int Run(MarkdownReport report, MLContext mlContext, IReadOnlyList<QuickModel> models, MachineLimit limit)
    {
        int[] counts = [1, 2];
        var measures = new List<(string Name, bool HigherWins, double[] Values)>
        {
            ("fp32 matmul 2048 x 2048, GFLOP/s", true, counts.Select(limit.Torch).ToArray()),
        };
        var perCount = counts.Select(t => Measure(mlContext, models, t)).ToArray();
        foreach (var name in perCount[0].Keys)
        {
            measures.Add((name, !name.Contains("µs", StringComparison.Ordinal), perCount.Select(m => m[name]).ToArray()));
        }
        int twoWins = measures.Skip(1).Count(TwoWins);
        int chosen = 2 * twoWins > measures.Count - 1 ? 2 : 1;

        report.Heading("Threads: 1 against 2");
        report.Line("Torch intra-op threads (ONNX Runtime rows: its intra-op threads). Best of 3 rounds each; on a shared machine the 2-thread figures suffer most from other load.");
        report.Table(["measure", "1 thread", "2 threads", "faster"], measures.Select(m => (IReadOnlyList<string>)
            [m.Name, Format(m.Values[0]), Format(m.Values[1]), TwoWins(m) ? $"2 threads ({Ratio(m)}x)" : $"1 thread ({Ratio(m)}x)"]));
        report.Line($"2 threads win {twoWins} of the {measures.Count - 1} library measures: **{chosen} thread{(chosen == 1 ? "" : "s")}** wins on this machine under this load.");
        return chosen;
    }

    private static bool TwoWins((string Name, bool HigherWins, double[] Values) m) => m.HigherWins ? m.Values[1] > m.Values[0] : m.Values[1] < m.Values[0];

    private static Dictionary<string, double> Measure(MLContext mlContext, IReadOnlyList<QuickModel> models, int threads)
    {
        TorchRuntime.SetThreads(threads);
        var values = new Dictionary<string, double>();
        foreach (var model in models)
        {
            var flat = SyntheticRows.Flat(model.Rows);
            values[$"EnergyModel.Score rows/s, {model.Features} features, batch 4096"] = ScoringSpeed.Batched(model.Model, flat);
            values[$"ONNX Runtime rows/s, {model.Features} features, batch 4096"] = ScoringSpeed.Onnx(model.Model, flat, threads);
        }
        var first = models[0];
        values[$"Transform rows/s, {first.Features} features"] = ScoringSpeed.Transform(mlContext, first.Model, first.Rows);
        values[$"PredictionEngine µs/row, {first.Features} features"] = 1e6 / ScoringSpeed.Engine(mlContext, first.Model, first.Rows);
        using (var setup = TrainingSetup.Reference(4096))
        {
            values["reference configuration: warm-start steps/s"] = TrainingSteps.WarmStart(setup, epochs: 5);
            using var energy = setup.CreateEnergy();
            values["reference configuration: adversarial iterations/s"] = TrainingSteps.Iterations(setup, energy);
        }
        using (var setup = TrainingSetup.Defaults(mlContext, SyntheticRows.Create(4096, 10, seed: 11), SyntheticRows.Create(512, 10, seed: 12)))
        {
            setup.Flow.InitializeFromData(setup.Validation);
            using var energy = setup.CreateEnergy();
            values["defaults, d = 10: adversarial iterations/s"] = TrainingSteps.Iterations(setup, energy);
        }
        return values;
    }

    private static string Format(double value) => value >= 100 ? $"{value:N0}" : $"{value:F1}";

    private static string Ratio((string Name, bool HigherWins, double[] Values) m) =>
        $"{Math.Max(m.Values[0], m.Values[1]) / Math.Min(m.Values[0], m.Values[1]):F2}";
}
