using Gcl.MLNet.Tests.Persistence;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.Api;

/// <summary>
/// <see cref="EnergyModelTransformer.WithThreshold"/> and <see cref="EnergyModelTransformer.WithContamination"/>:
/// only PredictedLabel changes, exactly where Score crosses the new threshold, in the TorchSharp, managed and ONNX
/// paths and after save and load; the derived transformer shares the native modules and is disposed on its own.
/// </summary>
[Collection(TrainedModelCollection.Name)]
public sealed class ThresholdTests(TrainedModel trained)
{
    [Fact]
    public void LabelsChangeExactlyWhereTheScoreCrossesTheNewThreshold()
    {
        var data = TestData.View(trained.Context, TestData.Gaussian(400, seed: 21));
        var before = trained.Transformer.Transform(data);
        var scores = TestData.Column(before, "Score");
        double median = scores.Order().ElementAt(scores.Length / 2);
        using var moved = trained.Transformer.WithThreshold(median);
        var after = moved.Transform(data);

        Assert.Equal((float)median, moved.Model.ScoreThreshold);
        foreach (var column in new[] { "Energy", "LogDensity", "Score", "Probability" }) Assert.Equal(TestData.Column(before, column), TestData.Column(after, column));
        var oldLabels = before.GetColumn<bool>("PredictedLabel").ToArray();
        var newLabels = after.GetColumn<bool>("PredictedLabel").ToArray();
        for (int i = 0; i < scores.Length; i++)
        {
            Assert.Equal(scores[i] > moved.Model.ScoreThreshold, newLabels[i]);
            Assert.Equal(scores[i] > trained.Transformer.Model.ScoreThreshold, oldLabels[i]);
        }
        Assert.InRange(newLabels.Count(l => l), scores.Length / 2 - 2, scores.Length / 2);
        Assert.True(newLabels.Count(l => l) > oldLabels.Count(l => l) + 100, "the median threshold should flag many more rows than the fitted one");
    }

    [Fact]
    public void ThePredictionEngineAndTheOnnxPipelineFollowTheNewThreshold()
    {
        var rows = TestData.Gaussian(200, seed: 22);
        var data = TestData.View(trained.Context, rows);
        var scores = TestData.Column(trained.Transformer.Transform(data), "Score");
        using var moved = trained.Transformer.WithThreshold(scores.Order().ElementAt(120));
        var onnx = moved.CreateOnnxScoringPipeline(trained.Context).Fit(data).Transform(data);
        var onnxScores = TestData.Column(onnx, "Score");
        var onnxLabels = onnx.GetColumn<bool>("PredictedLabel").ToArray();
        using var engine = trained.Context.Model.CreatePredictionEngine<TestData.FeatureRow, LabelRow>(moved);

        for (int i = 0; i < rows.Length; i++)
        {
            var single = engine.Predict(rows[i]);
            Assert.Equal(single.Score > moved.Model.ScoreThreshold, single.PredictedLabel);
            Assert.Equal(onnxScores[i] > moved.Model.ScoreThreshold, onnxLabels[i]);
            if (Math.Abs(scores[i] - moved.Model.ScoreThreshold) > 1e-4 * Math.Max(1, Math.Abs(scores[i]))) Assert.Equal(scores[i] > moved.Model.ScoreThreshold, onnxLabels[i]);
        }
        Assert.InRange(onnxLabels.Count(l => l), 77, 81);
    }

    [Fact]
    public void TheThresholdSurvivesSaveAndLoadAndTheOnnxEntry()
    {
        using var moved = trained.Transformer.WithThreshold(-3.25);
        using var saved = new MemoryStream();
        moved.Save(saved);
        using var loaded = EnergyModelTransformer.Load(trained.Context, new MemoryStream(saved.ToArray()));
        var data = TestData.View(trained.Context, TestData.Gaussian(100, seed: 23));

        Assert.Equal(-3.25, loaded.Model.ScoreThreshold);
        Assert.Equal(moved.Transform(data).GetColumn<bool>("PredictedLabel"), loaded.Transform(data).GetColumn<bool>("PredictedLabel"));
        Assert.Equal(TestData.Column(moved.Transform(data), "Probability"), TestData.Column(loaded.Transform(data), "Probability"));
        Assert.Equal(trained.Transformer.Model.TrainingScores!.Scores, loaded.Model.TrainingScores!.Scores);
        var entries = ArchiveEditing.Entries(saved.ToArray());
        Assert.Equal(-3.25, System.Text.Json.Nodes.JsonNode.Parse(entries["manifest.json"])!["scoreThreshold"]!.GetValue<double>());
        var onnx = Gcl.MLNet.Onnx.Protobuf.ModelProto.Parser.ParseFrom(entries[EnergyModelTransformer.OnnxEntryName]);
        Assert.Equal("-3.25", onnx.MetadataProps.Single(p => p.Key == "score_threshold").Value);
        Assert.Contains("Score > -3.25", onnx.Graph.Output.Single(o => o.Name == "PredictedLabel").DocString);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void WithContaminationLabelsThatFractionOfTheTrainingRows(double fraction)
    {
        using var moved = trained.Transformer.WithContamination(fraction);
        var labels = moved.Transform(trained.Training).GetColumn<bool>("PredictedLabel").ToArray();
        long trainingRows = trained.Transformer.Model.Summary.TrainingRows;

        // The quantiles are of the training share (the validation share is scored too), within a few rows.
        Assert.Equal(fraction, labels.Count(l => l) / (double)labels.Length, 0.04);
        Assert.True(trainingRows < labels.Length);
        Assert.Equal((float)trained.Transformer.Model.TrainingScores!.Quantile(1 - fraction), moved.Model.ScoreThreshold);
    }

    [Fact]
    public void TheDerivedTransformerSharesTheModulesAndIsDisposedOnItsOwn()
    {
        var context = new MLContext(seed: 5);
        var data = TestData.View(context, TestData.Gaussian(120, seed: 24));
        var original = context.Transforms.EnergyModel(options: TestData.Micro(seed: 5)).Fit(data);
        var moved = original.WithThreshold(0);
        var explaining = moved.WithExplanations();

        Assert.Same(original.Model.Energy, moved.Model.Energy);
        Assert.Same(original.Model.Generator, explaining.Model.Generator);
        original.Dispose();
        Assert.Throws<ObjectDisposedException>(() => original.Model.Score(new float[4], new float[1], new float[1]));
        Assert.False(moved.Model.IsReleased);
        Assert.Equal(120, TestData.Column(moved.Transform(data), "Score").Length);
        moved.Dispose();
        Assert.False(explaining.Model.IsReleased);
        Assert.Equal(120, explaining.Explain(data).GetColumn<float[]>("FeatureContributions").Count());
        explaining.Dispose();
        Assert.True(original.Model.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => explaining.WithThreshold(1));
    }

    [Fact]
    public void BadThresholdsAndFractionsAreRefusedWithTheRule()
    {
        var threshold = Assert.Throws<ArgumentOutOfRangeException>(() => trained.Transformer.WithThreshold(double.NaN));
        Assert.StartsWith("EnergyModelTransformer.WithThreshold must be a finite number within the float32 range; got NaN.", threshold.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trained.Transformer.WithThreshold(1e39));
        var fraction = Assert.Throws<ArgumentOutOfRangeException>(() => trained.Transformer.WithContamination(1));
        Assert.StartsWith("EnergyModelTransformer.WithContamination must be in (0, 1); got 1.", fraction.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trained.Transformer.WithContamination(0));
    }

    [Fact]
    public void AFileWithoutTrainingScoresLoadsRefusesWithContaminationAndFallsBackForProbability()
    {
        using var saved = new MemoryStream();
        trained.Transformer.Save(saved);
        var legacy = ArchiveEditing.EditManifest(saved.ToArray(), manifest => manifest.Remove("scoreQuantiles"));
        using var loaded = EnergyModelTransformer.Load(trained.Context, new MemoryStream(legacy));
        var data = TestData.View(trained.Context, TestData.Gaussian(300, seed: 25));

        Assert.Null(loaded.Model.TrainingScores);
        var error = Assert.Throws<InvalidOperationException>(() => loaded.WithContamination(0.1));
        Assert.Contains("WithContamination needs the quantiles of the training scores", error.Message);
        Assert.Contains("WithThreshold(score)", error.Message);
        using var moved = loaded.WithThreshold(1.5);
        Assert.Equal(1.5, moved.Model.ScoreThreshold);

        // The generator's own scores stand in: the probabilities are monotone in Score and roughly those of the training scores.
        var scored = loaded.Transform(data);
        var pairs = TestData.Column(scored, "Score").Zip(TestData.Column(scored, "Probability")).OrderBy(p => p.First).ToArray();
        for (int i = 1; i < pairs.Length; i++) Assert.True(pairs[i].Second >= pairs[i - 1].Second);
        var fromTraining = TestData.Column(trained.Transformer.Transform(data), "Probability");
        Assert.True(fromTraining.Zip(TestData.Column(scored, "Probability")).Average(p => Math.Abs(p.First - p.Second)) < 0.25);
        using var resaved = new MemoryStream();
        loaded.Save(resaved);
        Assert.Null(System.Text.Json.Nodes.JsonNode.Parse(ArchiveEditing.Entries(resaved.ToArray())["manifest.json"])!["scoreQuantiles"]);
    }

    /// <summary>The PredictionEngine output.</summary>
    public sealed class LabelRow
    {
        /// <summary>The score.</summary>
        public float Score { get; set; }

        /// <summary>The label.</summary>
        public bool PredictedLabel { get; set; }
    }
}
