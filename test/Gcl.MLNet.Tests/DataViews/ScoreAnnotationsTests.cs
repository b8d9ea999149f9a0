using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.DataViews;

/// <summary>
/// The score annotations: the same kinds, types and values as ML.NET's own anomaly detector (RandomizedPca) puts on
/// its Score and PredictedLabel, read by ML.NET's evaluator and by ML.NET's scorers when they number score sets.
/// </summary>
public sealed class ScoreAnnotationsTests : IDisposable
{
    private readonly MLContext mlContext = new(seed: 2);
    private readonly IDataView data;
    private readonly EnergyModelTransformer transformer;

    public ScoreAnnotationsTests()
    {
        data = WbcData.Load(mlContext);
        transformer = mlContext.AnomalyDetection.Trainers.EnergyModel(options: TestData.Micro(seed: 2)).Fit(data);
    }

    [Fact]
    public void ScoreAndPredictedLabelAreAnnotatedAsMlNetsAnomalyDetectorsAnnotateThem()
    {
        var ours = transformer.GetOutputSchema(data.Schema);
        var pca = mlContext.AnomalyDetection.Trainers.RandomizedPca(rank: 3).Fit(data).GetOutputSchema(data.Schema);

        foreach (string column in new[] { "Score", "PredictedLabel" })
        {
            var expected = pca[column].Annotations;
            var actual = ours[column].Annotations;
            Assert.Equal(expected.Schema.Select(c => (c.Name, c.Type)).OrderBy(c => c.Name), actual.Schema.Select(c => (c.Name, c.Type)).OrderBy(c => c.Name));
            foreach (string kind in new[] { "ScoreColumnKind", "ScoreValueKind" }) Assert.Equal(Text(expected, kind), Text(actual, kind));
            Assert.Equal(SetId(expected), SetId(actual));
        }
        // ML.NET's detectors score with the binary-classifier scorer and say so.
        Assert.Equal("BinaryClassification", Text(ours["Score"].Annotations, "ScoreColumnKind"));
        Assert.Equal("BinaryClassification", Text(ours["Probability"].Annotations, "ScoreColumnKind"));
        Assert.Equal("Probability", Text(ours["Probability"].Annotations, "ScoreValueKind"));
        Assert.Equal(1u, SetId(ours["Probability"].Annotations));
        Assert.Empty(ours["Energy"].Annotations.Schema);
    }

    [Fact]
    public void MlNetsScorersAndOursNumberScoreSetsPastEachOther()
    {
        var pca = mlContext.AnomalyDetection.Trainers.RandomizedPca(rank: 3);
        var afterOurs = pca.Fit(transformer.Transform(data)).Transform(transformer.Transform(data)).Schema;
        var afterPca = transformer.GetOutputSchema(pca.Fit(data).Transform(data).Schema);

        Assert.Equal(2u, SetId(afterOurs["Score"].Annotations));
        Assert.Equal(1u, SetId(afterOurs.Single(c => c.IsHidden && c.Name == "Score").Annotations));
        Assert.Equal(2u, SetId(afterPca["Score"].Annotations));
        Assert.Equal(2u, SetId(afterPca["PredictedLabel"].Annotations));
    }

    [Fact]
    public void EvaluateReadsTheAnnotatedColumns()
    {
        var metrics = mlContext.AnomalyDetection.Evaluate(transformer.Transform(data));

        Assert.InRange(metrics.AreaUnderRocCurve, 0.5, 1);
        Assert.InRange(metrics.DetectionRateAtFalsePositiveCount, 0, 1);
    }

    public void Dispose() => transformer.Dispose();

    private static string Text(DataViewSchema.Annotations annotations, string kind)
    {
        ReadOnlyMemory<char> value = default;
        annotations.GetValue(kind, ref value);
        return value.ToString();
    }

    private static uint SetId(DataViewSchema.Annotations annotations)
    {
        uint value = 0;
        annotations.GetValue("ScoreColumnSetId", ref value);
        return value;
    }
}
