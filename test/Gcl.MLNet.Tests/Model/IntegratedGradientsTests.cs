using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Model;

/// <summary>
/// Feature contributions (integrated gradients of the Score from the training mean): completeness, a planted
/// one-feature anomaly found, batched and single-row paths alike, and the FeatureContributions column.
/// </summary>
[Collection(TrainedModelCollection.Name)]
public sealed class IntegratedGradientsTests(TrainedModel trained, ITestOutputHelper output)
{
    /// <summary>The stated completeness tolerance: |sum - (Score(x) - Score(mean))| within 1e-3 nats plus 1e-4 of the difference.</summary>
    private const double AbsoluteTolerance = 1e-3, RelativeTolerance = 1e-4;

    [Fact]
    public void ContributionsAddUpToTheScoreDifferenceFromTheTrainingMean()
    {
        var model = trained.Transformer.Model;
        var rows = TestData.Gaussian(200, seed: 41).Select(r => r.Features).ToList();
        rows.Add([50, 60, 70, 80]);           // far outside the training rows
        rows.Add([-1e4f, 10, 20, 30]);        // beyond the input-range clamp in feature 0
        var flat = rows.SelectMany(r => r).ToArray();
        var contributions = new float[flat.Length];
        model.Explain(flat, contributions);
        var scores = Scores(model, flat);
        float reference = Scores(model, model.Standardizer.Mean.Select(m => (float)m).ToArray())[0];

        double worst = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            double sum = contributions.AsSpan(r * 4, 4).ToArray().Sum(c => (double)c);
            double difference = scores[r] - reference;
            double error = Math.Abs(sum - difference);
            worst = Math.Max(worst, error / (AbsoluteTolerance + RelativeTolerance * Math.Abs(difference)));
            Assert.True(error <= AbsoluteTolerance + RelativeTolerance * Math.Abs(difference),
                $"row {r}: contributions add up to {sum}, Score - Score(mean) is {difference}");
        }
        output.WriteLine($"largest completeness error: {worst:F3} of the tolerance");
    }

    [Fact]
    public void AnAnomalyPlantedInOneFeatureGetsTheLargestContribution()
    {
        var context = new MLContext(seed: 8);
        using var model = context.Transforms.EnergyModel(options: TestData.Tiny(seed: 8, warmStartSteps: 300, adversarialIterations: 100))
            .Fit(TestData.View(context, TestData.Gaussian(1000, seed: 42)));
        int hits = 0, total = 0;
        for (int feature = 0; feature < 4; feature++)
        {
            var rows = TestData.Gaussian(50, seed: 43 + feature);
            foreach (var row in rows) row.Features[feature] += (float)(8 * (feature + 1) * Math.Sqrt(1.25));
            var explained = model.Explain(TestData.View(context, rows)).GetColumn<float[]>("FeatureContributions").ToArray();
            foreach (var contributions in explained)
            {
                total++;
                if (Array.IndexOf(contributions, contributions.Max()) == feature) hits++;
            }
        }
        output.WriteLine($"the planted feature had the largest contribution in {hits} of {total} rows");
        Assert.True(hits >= 0.95 * total, $"the planted feature had the largest contribution in only {hits} of {total} rows");
    }

    [Fact]
    public void BatchedAndSingleRowExplanationsAgree()
    {
        var rows = TestData.Gaussian(60, seed: 44);
        rows[3].Features[1] += 30;
        var batched = trained.Transformer.Explain(TestData.View(trained.Context, rows)).GetColumn<float[]>("FeatureContributions").ToArray();
        using var explaining = trained.Transformer.WithExplanations();
        using var engine = trained.Context.Model.CreatePredictionEngine<TestData.FeatureRow, ExplainedRow>(explaining);

        for (int r = 0; r < rows.Length; r++)
        {
            var single = engine.Predict(rows[r]);
            var one = new float[4];
            trained.Transformer.Model.Explain(rows[r].Features, one);
            for (int j = 0; j < 4; j++)
            {
                Assert.True(Math.Abs(single.FeatureContributions[j] - batched[r][j]) <= 1e-4 * Math.Max(1, Math.Abs(batched[r][j])),
                    $"row {r}, feature {j}: single {single.FeatureContributions[j]}, batched {batched[r][j]}");
                Assert.Equal(one[j], single.FeatureContributions[j]);
            }
            Assert.Equal(single.Score > explaining.Model.ScoreThreshold, single.PredictedLabel);
        }
    }

    [Fact]
    public void TheColumnIsAddedOnlyOnRequestWithSlotNamesAndNaNForSkippedRows()
    {
        var data = TestData.View(trained.Context, TestData.Gaussian(10, seed: 45));
        Assert.Null(trained.Transformer.Transform(data).Schema.GetColumnOrNull("FeatureContributions"));
        var column = trained.Transformer.Explain(data).Schema["FeatureContributions"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 4), column.Type);

        using var renamed = trained.Transformer.WithFeatureNames(["w", "x", "y", "z"]);
        using var named = renamed.WithExplanations();
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        named.Transform(data).Schema["FeatureContributions"].GetSlotNames(ref names);
        Assert.Equal(["w", "x", "y", "z"], names.DenseValues().Select(n => n.ToString()));

        var context = new MLContext(seed: 9);
        var rows = TestData.Gaussian(60, seed: 46);
        using var skipping = context.Transforms.EnergyModel(options: TestData.Micro(seed: 9, InvalidRowHandling.Skip)).Fit(TestData.View(context, rows));
        rows[5].Features[2] = float.NaN;
        var explained = skipping.Explain(TestData.View(context, rows)).GetColumn<float[]>("FeatureContributions").ToArray();
        Assert.All(explained[5], c => Assert.True(float.IsNaN(c)));
        Assert.All(explained.Where((_, i) => i != 5).SelectMany(c => c), c => Assert.True(float.IsFinite(c)));
        var error = Assert.Throws<ArgumentException>(() => skipping.Model.Explain(rows[5].Features, new float[4]));
        Assert.StartsWith("Row 0, feature 2 is NaN; features must be finite.", error.Message);
        Assert.Throws<ArgumentException>(() => skipping.Model.Explain(new float[4], new float[3]));
    }

    private static float[] Scores(EnergyModel model, float[] rows)
    {
        var energy = new float[rows.Length / 4];
        var logDensity = new float[rows.Length / 4];
        model.Score(rows, energy, logDensity);
        return logDensity.Select(l => -l).ToArray();
    }

    /// <summary>The explaining PredictionEngine's output.</summary>
    public sealed class ExplainedRow
    {
        /// <summary>The score.</summary>
        public float Score { get; set; }

        /// <summary>The label.</summary>
        public bool PredictedLabel { get; set; }

        /// <summary>The contributions.</summary>
        [VectorType(4)]
        public float[] FeatureContributions { get; set; } = [];
    }
}
