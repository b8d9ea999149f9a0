using System.Diagnostics;
using Gcl.MLNet.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Benchmarks;

/// <summary>
/// Scoring through ML.NET on a 10-feature model: Transform rows/s, PredictionEngine rows/s, and the process's
/// resident memory before and after streaming a million rows through Transform.
/// </summary>
internal static class ScoringThroughput
{
    private const int FeatureCount = 10;

    public sealed class Row
    {
        [VectorType(FeatureCount)]
        public float[] Features { get; set; } = new float[FeatureCount];
    }

    public sealed class Prediction
    {
        public float Score { get; set; }
    }

    public static void Run(long rows)
    {
        var mlContext = new MLContext(seed: 1);
        var random = new Random(1);
        var training = Enumerable.Range(0, 2000).Select(_ => new Row { Features = Enumerable.Range(0, FeatureCount).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray();
        var options = new EnergyModelOptions { Seed = 1, AdversarialIterations = 200, WarmStartEpochs = 20 };
        using var model = mlContext.Transforms.EnergyModel("Features", options).Fit(mlContext.Data.LoadFromEnumerable(training));

        var stream = mlContext.Data.LoadFromEnumerable(Stream(rows));
        long before = Environment.WorkingSet;
        var clock = Stopwatch.StartNew();
        double checksum = 0;
        using (var cursor = model.Transform(stream).GetRowCursor(model.Transform(stream).Schema.Where(c => c.Name == "Score")))
        {
            var score = cursor.GetGetter<float>(cursor.Schema["Score"]);
            float value = 0;
            while (cursor.MoveNext())
            {
                score(ref value);
                checksum += value;
            }
        }
        double transformRate = rows / clock.Elapsed.TotalSeconds;
        long after = Environment.WorkingSet;

        var engine = mlContext.Model.CreatePredictionEngine<Row, Prediction>(model);
        var single = training[0];
        for (int i = 0; i < 200; i++) engine.Predict(single);
        int singles = 5000;
        clock.Restart();
        for (int i = 0; i < singles; i++) engine.Predict(single);
        double engineMicroseconds = clock.Elapsed.TotalMilliseconds * 1000 / singles;

        Console.WriteLine($"## Scoring through ML.NET, {FeatureCount} features, default networks");
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| Transform rows/s ({rows:N0} rows streamed) | {transformRate:N0} |");
        Console.WriteLine($"| PredictionEngine latency per row | {engineMicroseconds:F1} µs ({1e6 / engineMicroseconds:N0} rows/s) |");
        Console.WriteLine($"| working set before / after the stream | {before / 1048576.0:F0} MiB / {after / 1048576.0:F0} MiB |");
        Console.WriteLine($"| (checksum of scores) | {checksum:E3} |");
    }

    private static IEnumerable<Row> Stream(long count)
    {
        var random = new Random(2);
        var row = new Row();
        for (long i = 0; i < count; i++)
        {
            for (int j = 0; j < FeatureCount; j++) row.Features[j] = (float)random.NextDouble();
            yield return row;
        }
    }
}
