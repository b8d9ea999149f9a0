using Gcl.MLNet.Tests.Support;
using Xunit;

namespace Gcl.MLNet.Tests.Api;

/// <summary>
/// The Probability column: the empirical CDF of the training scores, in [0, 1], monotone in Score, and the same in
/// the batched TorchSharp path, the managed single-row path (PredictionEngine) and the ONNX pipeline.
/// </summary>
[Collection(TrainedModelCollection.Name)]
public sealed class ProbabilityTests(TrainedModel trained)
{
    [Fact]
    public void ProbabilityIsTheShareOfTrainingRowsWithALowerScore()
    {
        var scored = trained.Transformer.Transform(trained.Training);
        var scores = TestData.Column(scored, "Score");
        var probabilities = TestData.Column(scored, "Probability");
        var training = trained.Transformer.Model.TrainingScores!;

        Assert.All(probabilities, p => Assert.InRange(p, 0f, 1f));
        var ordered = scores.Zip(probabilities).OrderBy(p => p.First).ToArray();
        for (int i = 1; i < ordered.Length; i++) Assert.True(ordered[i].Second >= ordered[i - 1].Second, $"Probability decreases at score {ordered[i].First}");
        for (int i = 0; i < scores.Length; i++) Assert.True(Math.Abs(training.Probability(scores[i]) - probabilities[i]) <= 1e-6, $"row {i}");
        // Over all rows (training and validation shares) the probabilities are about uniform.
        foreach (double q in new[] { 0.1, 0.5, 0.9 }) Assert.Equal(q, probabilities.Count(p => p <= q) / (double)probabilities.Length, 0.06);
    }

    [Fact]
    public void TheManagedTorchSharpAndOnnxPathsGiveTheSameProbability()
    {
        var rows = TestData.Gaussian(120, seed: 31);
        rows[0].Features[2] += 40;
        var data = TestData.View(trained.Context, rows);
        var batched = TestData.Column(trained.Transformer.Transform(data), "Probability");
        var onnx = TestData.Column(trained.Transformer.CreateOnnxScoringPipeline(trained.Context).Fit(data).Transform(data), "Probability");
        // Not disposed: disposing a PredictionEngine disposes its transformer, the shared fixture's.
        var engine = trained.Context.Model.CreatePredictionEngine<TestData.FeatureRow, ProbabilityRow>(trained.Transformer);

        for (int i = 0; i < rows.Length; i++)
        {
            float single = engine.Predict(rows[i]).Probability;
            Assert.True(Math.Abs(single - batched[i]) <= 1e-4, $"row {i}: managed {single}, TorchSharp {batched[i]}");
            Assert.True(Math.Abs(onnx[i] - batched[i]) <= 1e-4, $"row {i}: ONNX {onnx[i]}, TorchSharp {batched[i]}");
        }
        Assert.Equal(1f, batched[0]);
        Assert.Equal(1f, onnx[0]);
    }

    /// <summary>The PredictionEngine output.</summary>
    public sealed class ProbabilityRow
    {
        /// <summary>The outlier probability.</summary>
        public float Probability { get; set; }
    }
}
