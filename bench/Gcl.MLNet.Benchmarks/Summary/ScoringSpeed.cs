using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Scoring speed of one fitted model along the four paths a user has: <c>EnergyModel.Score</c> in batches of 4096,
/// <c>Transform</c> through ML.NET (a streamed input, every column read through a cursor), <c>PredictionEngine</c>
/// one row at a time, and ONNX Runtime on the exported scoring ONNX (batches of 4096). Rates are best of 3 rounds.
/// </summary>
internal static class ScoringSpeed
{
    /// <summary>Rows per batch of the batched paths.</summary>
    public const int Batch = 4096;

    /// <summary>One model's rates; rows/s except the engine's latency.</summary>
    public sealed record Result(int Features, long FlopsPerRow, double Batched, double Transform, double EngineMicroseconds, double Onnx, int OnnxThreads);

    /// <summary>The PredictionEngine's output row.</summary>
    public sealed class Prediction
    {
        public float Energy { get; set; }

        public float LogDensity { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }

    /// <summary>Measures <paramref name="model"/> on rows cycling through <paramref name="pool"/> (at least <see cref="Batch"/> rows).</summary>
    public static Result Measure(MLContext mlContext, EnergyModelTransformer model, float[][] pool, int onnxThreads)
    {
        int d = model.Model.FeatureCount;
        var flat = SyntheticRows.Flat(pool[..Batch]);
        return new Result(d, NetworkFlops.PerRow(model.Model.Energy), Batched(model, flat), Transform(mlContext, model, pool),
            1e6 / Engine(mlContext, model, pool), Onnx(model, flat, onnxThreads), onnxThreads);
    }

    /// <summary>Rows/s of <c>EnergyModel.Score</c> on the rows of <paramref name="flat"/> in one call.</summary>
    public static double Batched(EnergyModelTransformer model, float[] flat)
    {
        int rows = flat.Length / model.Model.FeatureCount;
        var energy = new float[rows];
        var logDensity = new float[rows];
        return Rate.PerSecond(() =>
        {
            model.Model.Score(flat, energy, logDensity);
            return rows;
        });
    }

    /// <summary>Rows/s of <c>Transform</c>, every output column read, 65,536 streamed rows per pass.</summary>
    public static double Transform(MLContext mlContext, EnergyModelTransformer model, float[][] pool) =>
        Rate.PerSecond(() => CursorDrain.All(model.Transform(StreamedRows.Load(mlContext, pool, 65_536))), seconds: 3);

    /// <summary>Rows/s of the same streamed input read alone (no model): what the IDataView plumbing costs.</summary>
    public static double InputOnly(MLContext mlContext, float[][] pool) =>
        Rate.PerSecond(() => CursorDrain.All(StreamedRows.Load(mlContext, pool, 65_536)));

    /// <summary>Rows/s of <c>PredictionEngine.Predict</c>, one row per call.</summary>
    public static double Engine(MLContext mlContext, EnergyModelTransformer model, float[][] pool)
    {
        var engine = mlContext.Model.CreatePredictionEngine<StreamedRows.Row, Prediction>(model, inputSchemaDefinition: StreamedRows.Schema(model.Model.FeatureCount));
        var rows = pool.Take(256).Select(r => new StreamedRows.Row { Features = r }).ToArray();
        var output = new Prediction();
        return Rate.PerSecond(() =>
        {
            foreach (var row in rows) engine.Predict(row, ref output);
            return rows.Length;
        });
    }

    /// <summary>Rows/s of ONNX Runtime on the exported scoring model, one batch per call.</summary>
    public static double Onnx(EnergyModelTransformer model, float[] flat, int threads)
    {
        using var bytes = new MemoryStream();
        model.ExportScoringOnnx(bytes);
        using var scorer = new OnnxScorer(bytes.ToArray(), threads);
        return Rate.PerSecond(() => scorer.Score(flat, model.Model.FeatureCount));
    }
}
