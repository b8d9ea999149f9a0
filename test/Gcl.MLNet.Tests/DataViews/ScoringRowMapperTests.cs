using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.DataViews;

[Collection(TrainedModelCollection.Name)]
public sealed class ScoringRowMapperTests(TrainedModel trained)
{
    [Fact]
    public void APredictionEngineOnTheTransformerGivesTheTransformOutputRowByRow()
    {
        var rows = TestData.Gaussian(30, seed: 8);
        var expected = trained.Context.Data.CreateEnumerable<Prediction>(
            trained.Transformer.Transform(TestData.View(trained.Context, rows)), reuseRowObject: false).ToArray();
        var engine = trained.Context.Model.CreatePredictionEngine<SizedRow, Prediction>(trained.Transformer);

        var predicted = rows.Select(r => engine.Predict(new SizedRow { Features = r.Features })).ToArray();

        // One row at a time takes other BLAS kernels than a block: equal to float rounding, not bit for bit.
        AssertClose(expected, predicted);
        Assert.True(predicted.Select(p => p.Score).Distinct().Count() > 25); // every row is scored anew
    }

    [Fact]
    public void APredictionEngineWorksOnAChainWithConcatenateAndNormalize()
    {
        var mlContext = new MLContext(seed: 2);
        var rows = TestData.Gaussian(150).Select(r => new ScalarRow { A = r.Features[0], B = r.Features[1], C = r.Features[2], D = r.Features[3] }).ToArray();
        var data = mlContext.Data.LoadFromEnumerable(rows);
        var chain = mlContext.Transforms.Concatenate("Features", "A", "B", "C", "D")
            .Append(mlContext.Transforms.NormalizeMinMax("Features"))
            .Append(mlContext.Transforms.EnergyModel(options: TestData.Micro(seed: 1)))
            .Fit(data);
        using var energyModel = chain.LastTransformer;
        var expected = mlContext.Data.CreateEnumerable<Prediction>(chain.Transform(data), reuseRowObject: false).ToArray();
        var engine = mlContext.Model.CreatePredictionEngine<ScalarRow, Prediction>(chain);

        var predicted = rows.Select(r => engine.Predict(r)).ToArray();

        AssertClose(expected, predicted, energyModel.Model.ScoreThreshold);
        Assert.Equal(["A", "B", "C", "D"], energyModel.FeatureNames);
    }

    [Fact]
    public void EightThreadsWithTheirOwnEnginesGiveTheSequentialResults()
    {
        var rows = TestData.Gaussian(300, seed: 13).Select(r => new SizedRow { Features = r.Features }).ToArray();
        var sequentialEngine = trained.Context.Model.CreatePredictionEngine<SizedRow, Prediction>(trained.Transformer);
        var sequential = rows.Select(r => sequentialEngine.Predict(r).Values).ToArray();

        var results = Concurrently.Run(8, t =>
        {
            var engine = trained.Context.Model.CreatePredictionEngine<SizedRow, Prediction>(trained.Transformer);
            return rows.Skip(t).Concat(rows.Take(t)).Select(r => engine.Predict(r).Values).ToArray();
        });

        for (int t = 0; t < results.Length; t++)
        {
            Assert.Equal(sequential.Skip(t).Concat(sequential.Take(t)), results[t]);
        }
    }

    [Fact]
    public void AWrongSizeRowInAnUnknownSizeColumnNamesTheColumnSizeAndRow()
    {
        var engine = trained.Context.Model.CreatePredictionEngine<UnsizedRow, Prediction>(trained.Transformer);
        engine.Predict(new UnsizedRow { Features = [1, 2, 3, 4] });

        var error = Assert.Throws<InvalidOperationException>(() => engine.Predict(new UnsizedRow { Features = [1, 2, 3] }));

        Assert.Equal("Row 1 of column 'Features' has 3 values; the model was trained on 4 features.", error.Message);
    }

    [Fact]
    public void NaNIsRejectedByDefaultAndGivesNaNOutputsUnderSkip()
    {
        var rejecting = trained.Context.Model.CreatePredictionEngine<SizedRow, Prediction>(trained.Transformer);
        // A second transformer over the same model, scoring with Skip (not disposed: the fixture owns the model).
        var skipping = new EnergyModelTransformer(trained.Context, trained.Transformer.Model, "Features", null, InvalidRowHandling.Skip, null);
        var engine = trained.Context.Model.CreatePredictionEngine<SizedRow, Prediction>(skipping);

        var error = Assert.Throws<InvalidOperationException>(() => rejecting.Predict(new SizedRow { Features = [1, float.NaN, 3, 4] }));
        var skipped = engine.Predict(new SizedRow { Features = [1, float.NaN, 3, 4] });
        var valid = engine.Predict(new SizedRow { Features = [1, 2, 3, 4] });

        Assert.Equal("Row 0 of column 'Features' has NaN at feature 1; the model scores finite values only. Set EnergyModelOptions.InvalidRows " +
            "to InvalidRowHandling.Skip to get NaN outputs for such rows instead.", error.Message);
        Assert.Equal((float.NaN, float.NaN, float.NaN, false), skipped.Values);
        Assert.True(float.IsFinite(valid.Score));
    }

    // The threshold is a training row's own score, so that row's label may differ between two paths whose scores agree
    // within the tolerance; labels are compared for the rows whose score is farther from it than that.
    private static void AssertClose(Prediction[] expected, Prediction[] actual, double? threshold = null)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Energy, actual[i].Energy, 1e-5f * (1 + Math.Abs(expected[i].Energy)));
            Assert.Equal(expected[i].LogDensity, actual[i].LogDensity, 1e-5f * (1 + Math.Abs(expected[i].LogDensity)));
            Assert.Equal(-actual[i].LogDensity, actual[i].Score);
            if (threshold is not double t || Math.Abs(expected[i].Score - t) > 1e-5 * (1 + Math.Abs(t))) Assert.Equal(expected[i].PredictedLabel, actual[i].PredictedLabel);
        }
    }

    private sealed class SizedRow
    {
        [VectorType(TestData.Dimension)]
        public float[] Features { get; set; } = [];
    }

    private sealed class UnsizedRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class ScalarRow
    {
        public float A { get; set; }

        public float B { get; set; }

        public float C { get; set; }

        public float D { get; set; }
    }

    private sealed class Prediction
    {
        public float Energy { get; set; }

        public float LogDensity { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }

        public (float, float, float, bool) Values => (Energy, LogDensity, Score, PredictedLabel);
    }
}
