using Gcl.MLNet.Tests.Onnx;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// Issue 15, item 4: every finite row gets a non-NaN, finite Score that ranks above every training row once it lies
/// far outside the data, and is flagged, on the TorchSharp path, the managed single-row path and the ONNX graph.
/// </summary>
public sealed class ExtremeInputTests : IDisposable
{
    private static readonly float[] Magnitudes = [2e4f, 1e6f, 1e10f, 1e20f, 1e30f, 3.3e37f, 1e38f, float.MaxValue];
    private readonly EnergyModelTransformer transformer = ReliabilityModels.Train(new MLContext(seed: 1));

    public void Dispose() => transformer.Dispose();

    [Fact]
    public void Extreme_finite_rows_score_finite_above_every_training_row_on_every_path()
    {
        var model = transformer.Model;
        int d = model.FeatureCount;
        var training = TestData.Gaussian(200, 5).SelectMany(r => r.Features).ToArray();
        var trainingScores = Scores(model, training, managed: false);
        double worstTraining = trainingScores.Max();
        var extreme = ExtremeRows(d);
        int rows = extreme.Length / d;

        var torch = Scores(model, extreme, managed: false);
        var managed = Scores(model, extreme, managed: true);
        using var buffer = new MemoryStream();
        transformer.ExportScoringOnnx(buffer);
        using var runner = new OnnxTestRunner(buffer.ToArray());
        var outputs = runner.RunAll((transformer.FeatureColumnName, extreme, [rows, d]));
        var onnx = (float[])outputs["Score"].Values;
        var onnxLabels = (bool[])outputs["PredictedLabel"].Values;

        foreach (var (path, scores) in new[] { ("TorchSharp", torch), ("managed", managed), ("ONNX", onnx) })
        {
            for (int r = 0; r < rows; r++)
            {
                Assert.True(float.IsFinite(scores[r]), $"{path}: row {r} ({Describe(extreme, r, d)}) has Score {scores[r]}.");
                Assert.True(scores[r] > worstTraining, $"{path}: row {r} ({Describe(extreme, r, d)}) has Score {scores[r]}, not above the worst training row's {worstTraining}.");
                Assert.True(scores[r] > model.ScoreThreshold, $"{path}: row {r} is not flagged.");
            }
        }
        Assert.All(onnxLabels, Assert.True);
        Assert.All((float[])outputs["Probability"].Values, p => Assert.Equal(1f, p));
    }

    [Fact]
    public void The_score_grows_with_the_distance_beyond_the_bound()
    {
        var model = transformer.Model;
        int d = model.FeatureCount;
        var mean = model.Standardizer.Mean;
        double previous = double.NegativeInfinity;
        foreach (float magnitude in Magnitudes)
        {
            var row = mean.Select(m => (float)m).ToArray();
            row[0] = magnitude;
            double score = Scores(model, row, managed: true)[0];
            Assert.True(score >= previous, $"Score {score} at {magnitude} is below {previous} at a smaller magnitude.");
            previous = score;
        }
    }

    [Fact]
    public void The_onnx_graph_returns_nan_for_nan_and_a_flagged_infinite_score_for_infinity()
    {
        int d = transformer.Model.FeatureCount;
        var rows = new float[3 * d];
        rows[0] = float.NaN;
        rows[d] = float.PositiveInfinity;
        rows[2 * d] = float.NegativeInfinity;
        using var buffer = new MemoryStream();
        transformer.ExportScoringOnnx(buffer);
        using var runner = new OnnxTestRunner(buffer.ToArray());
        var outputs = runner.RunAll((transformer.FeatureColumnName, rows, [3, d]));
        var score = (float[])outputs["Score"].Values;
        var label = (bool[])outputs["PredictedLabel"].Values;
        Assert.True(float.IsNaN(score[0]) && !label[0], $"NaN row: Score {score[0]}, PredictedLabel {label[0]}.");
        Assert.True(score[1] == float.PositiveInfinity && label[1], $"+inf row: Score {score[1]}, PredictedLabel {label[1]}.");
        Assert.True(score[2] == float.PositiveInfinity && label[2], $"-inf row: Score {score[2]}, PredictedLabel {label[2]}.");
        var probability = (float[])outputs["Probability"].Values;
        Assert.True(float.IsNaN(probability[0]) && probability[1] == 1 && probability[2] == 1, $"Probability {string.Join(", ", probability)}.");
    }

    // Rows with one feature, then every feature, at each magnitude of either sign (well over 16 rows: the TorchSharp path).
    private float[] ExtremeRows(int d)
    {
        var mean = transformer.Model.Standardizer.Mean.Select(m => (float)m).ToArray();
        var rows = new List<float>();
        foreach (float magnitude in Magnitudes)
        {
            foreach (float sign in new[] { 1f, -1f })
            {
                for (int j = 0; j < d; j++)
                {
                    var row = (float[])mean.Clone();
                    row[j] = sign * magnitude;
                    rows.AddRange(row);
                }
                rows.AddRange(Enumerable.Repeat(sign * magnitude, d));
            }
        }
        return [.. rows];
    }

    private static float[] Scores(EnergyModel model, float[] rows, bool managed)
    {
        int d = model.FeatureCount;
        int count = rows.Length / d;
        var energy = new float[count];
        var logDensity = new float[count];
        if (managed)
        {
            for (int r = 0; r < count; r++) model.Score(rows.AsSpan(r * d, d), energy.AsSpan(r, 1), logDensity.AsSpan(r, 1));
        }
        else
        {
            Assert.True(count > 16);
            model.Score(rows, energy, logDensity);
        }
        return [.. logDensity.Select(l => -l)];
    }

    private static string Describe(float[] rows, int r, int d) => "[" + string.Join(", ", rows.Skip(r * d).Take(d)) + "]";
}
