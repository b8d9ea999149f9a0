using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// ML.NET's own anomaly detector, <c>RandomizedPca</c> (rank min(20, d/2), ML.NET's defaults otherwise), measured
/// the same way as the energy model: fit rows/s, Transform rows/s over a streamed input with every column read,
/// and AUROC under the unsupervised protocol (features standardized first, as for the published baselines).
/// </summary>
internal static class PcaPeer
{
    /// <summary>The rank used for <paramref name="dimension"/> features.</summary>
    public static int Rank(int dimension) => Math.Clamp(dimension / 2, 1, 20);

    /// <summary>Fit rows/s on <paramref name="rows"/> and Transform rows/s on 65,536 streamed rows per pass.</summary>
    public static (double Fit, double Transform) Speed(MLContext mlContext, float[][] rows)
    {
        var estimator = mlContext.AnomalyDetection.Trainers.RandomizedPca("Features", rank: Rank(rows[0].Length), seed: 1);
        var view = StreamedRows.Load(mlContext, rows, rows.Length);
        double fit = Rate.PerSecond(() =>
        {
            estimator.Fit(view);
            return rows.Length;
        });
        var model = estimator.Fit(view);
        double transform = Rate.PerSecond(() => CursorDrain.All(model.Transform(StreamedRows.Load(mlContext, rows, 65_536))), seconds: 3);
        return (fit, transform);
    }

    /// <summary>AUROC of the PCA reconstruction score, fitted on and scoring all <paramref name="features"/>.</summary>
    public static double Auroc(MLContext mlContext, float[][] features, float[] labels)
    {
        var view = StreamedRows.Load(mlContext, features, features.Length);
        var pipeline = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.AnomalyDetection.Trainers.RandomizedPca("Features", rank: Rank(features[0].Length), seed: 1));
        var scores = pipeline.Fit(view).Transform(view).GetColumn<float>("Score").Select(s => (double)s).ToArray();
        return AnomalyExperiment.Auroc(scores, labels);
    }
}
