using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// Issue 15, item 7: data without spread are refused with the cause; a constant column gives a documented degenerate
/// model (finite outputs, the feature listed in Summary.ConstantFeatures, the fit reported unreliable with a warning
/// that says why); ties at the threshold follow one rule.
/// </summary>
public sealed class DegenerateDataTests
{
    [Fact]
    public void All_columns_constant_is_refused_naming_the_cause()
    {
        var rows = Enumerable.Range(0, 50).Select(i => new TestData.FeatureRow { Features = [1f, 2f, 3f, 4f] });
        Assert.Contains("have no spread: all 4 features of column 'Features' are constant over the 50 rows", Fit(rows));
    }

    [Fact]
    public void All_rows_identical_is_refused_naming_the_cause()
    {
        var rows = Enumerable.Range(0, 40).Select(i => new TestData.FeatureRow { Features = [1e6f, -3.5f, 0f, 12f] });
        Assert.Contains("no density can be fitted", Fit(rows));
    }

    [Fact]
    public void One_constant_column_gives_finite_outputs_and_reports_the_fit_unreliable()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = TestData.Gaussian(200, 4).Select(r => new TestData.FeatureRow { Features = [r.Features[0], 7f, r.Features[2], r.Features[3]] }).ToArray();
        var data = TestData.View(mlContext, rows);
        using var transformer = mlContext.Transforms.EnergyModel(options: TestData.Micro(4)).Fit(data);

        Assert.Equal([1], transformer.Model.Summary.ConstantFeatures);
        Assert.False(transformer.Model.Summary.IsReliable);
        Assert.Contains(transformer.Model.Summary.Warnings, w => w.StartsWith("Features 1 are constant", StringComparison.Ordinal));
        var scores = TestData.Column(transformer.Transform(data), "Score");
        Assert.All(scores, s => Assert.True(float.IsFinite(s), $"Score {s}"));
        var off = (float[])rows[0].Features.Clone();
        off[1] = 8f;
        var energy = new float[1];
        var logDensity = new float[1];
        transformer.Model.Score(off, energy, logDensity);
        Assert.True(float.IsFinite(logDensity[0]) && -logDensity[0] > scores.Max(), $"A row off the constant value scores {-logDensity[0]}.");
    }

    [Fact]
    public void Tied_rows_share_one_label_whatever_the_contamination()
    {
        var mlContext = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 200).Select(i => new TestData.FeatureRow { Features = i % 2 == 0 ? [0f, 1f, 2f, 3f] : [1f, 0f, 5f, -3f] }).ToArray();
        var data = TestData.View(mlContext, rows);
        using var transformer = mlContext.Transforms.EnergyModel(options: TestData.Micro(2)).Fit(data);
        var scored = transformer.Transform(data);
        var labels = scored.GetColumn<bool>("PredictedLabel").ToArray();
        var scores = TestData.Column(scored, "Score");

        for (int i = 2; i < rows.Length; i++) Assert.Equal(labels[i % 2], labels[i]);
        for (int i = 0; i < rows.Length; i++) Assert.Equal(scores[i] > transformer.Model.ScoreThreshold, labels[i]);
        Assert.Contains(labels.Count(l => l), new[] { 0, 100, 200 });
    }

    private static string Fit(IEnumerable<TestData.FeatureRow> rows)
    {
        var mlContext = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentException>(() => mlContext.Transforms.EnergyModel(options: TestData.Micro(1)).Fit(TestData.View(mlContext, rows)));
        return error.Message;
    }
}
