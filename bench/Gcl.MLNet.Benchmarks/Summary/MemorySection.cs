using System.Diagnostics;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;
using Microsoft.ML;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The memory section: resident memory over long runs, which must stay flat within 5% after warm-up: scoring
/// <c>rows</c> streamed rows through <c>Transform</c> (never materialized), the flow's warm start for 100 epochs
/// and the adversarial stage for 1,000 iterations (batches streamed from an IDataView, as <c>Fit</c> does).
/// </summary>
internal static class MemorySection
{
    /// <summary>The allowed growth after warm-up, percent.</summary>
    public const double AllowedGrowthPercent = 5;

    /// <summary>Runs the three traces and reports them; returns them for the targets.</summary>
    public static IReadOnlyList<MemoryTrace> Run(MarkdownReport report, MLContext mlContext, QuickModel model, long rows, int threads)
    {
        var traces = new List<MemoryTrace> { Scoring(mlContext, model.Model, model.Rows, rows) };
        traces.AddRange(Training(mlContext));

        report.Heading($"Memory (torch threads: {threads})");
        report.Line("Resident set from /proc/self/status: VmRSS sampled during the run, VmHWM (peak) reset at the start of each run. " +
            "Growth = last sample against the first sample after warm-up (scoring: after 1,000,000 rows; warm start: after epoch 10; adversarial: after iteration 100).");
        report.Table(["run", "speed", "RSS after warm-up MiB", "RSS at end MiB", "steady range MiB", "peak MiB", "growth %", $"within {AllowedGrowthPercent}%"],
            traces.Select(t => (IReadOnlyList<string>)[t.What, t.Speed, $"{t.WarmMiB:F0}", $"{t.EndMiB:F0}", $"{t.Steady.Min:F0}-{t.Steady.Max:F0}", $"{t.PeakMiB:F0}",
                $"{t.GrowthPercent:+0.0;-0.0}", Math.Abs(t.GrowthPercent) <= AllowedGrowthPercent ? "yes" : "**no**"]));
        return traces;
    }

    private static MemoryTrace Scoring(MLContext mlContext, EnergyModelTransformer model, float[][] pool, long rows)
    {
        var trace = new MemoryTrace($"Transform, {rows:N0} streamed rows, {model.Model.FeatureCount} features");
        var clock = Stopwatch.StartNew();
        CursorDrain.All(model.Transform(StreamedRows.Load(mlContext, pool, rows)), interval: 250_000, count => trace.Sample(count >= 1_000_000));
        trace.Speed = $"{rows / clock.Elapsed.TotalSeconds:N0} rows/s";
        return trace;
    }

    private static IEnumerable<MemoryTrace> Training(MLContext mlContext)
    {
        using var setup = TrainingSetup.Defaults(mlContext, SyntheticRows.Create(4096, 10, seed: 21), SyntheticRows.Create(512, 10, seed: 22));
        const int Epochs = 100;
        var warmStart = new MemoryTrace($"warm start, {Epochs} epochs of 4,096 streamed rows (d = 10, batch 256)");
        var clock = Stopwatch.StartNew();
        using (var random = new Generator(6))
        {
            // One evaluation per pass over the 4,096 rows (16 batches of 256), early stopping off.
            new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: Epochs * 16, EvaluationInterval: 16, Patience: Epochs)).Train(
                setup.Flow, () => setup.Source.Epoch(setup.Options.BatchSize, random), setup.Validation, evaluation => warmStart.Sample(evaluation.Step >= 10 * 16));
        }
        warmStart.Speed = $"{Epochs / clock.Elapsed.TotalSeconds:F1} epochs/s";
        yield return warmStart;

        const int Iterations = 1000;
        var adversarial = new MemoryTrace($"adversarial stage, {Iterations:N0} iterations (validation every 50)");
        clock.Restart();
        using var energy = setup.CreateEnergy();
        using (var random = new Generator(7))
        {
            var options = setup.Options with { Iterations = Iterations, EvaluationInterval = 50, Patience = int.MaxValue };
            new AdversarialTrainer(energy, setup.Flow, options, random).Train(setup.Source, setup.Validation, p => adversarial.Sample(p.Step >= 100), Stopwatch.StartNew());
        }
        adversarial.Speed = $"{Iterations / clock.Elapsed.TotalSeconds:F0} iterations/s";
        yield return adversarial;
    }
}
