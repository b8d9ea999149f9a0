using Gcl.MLNet.DataViews;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static Microsoft.ML.SchemaShape.Column;

namespace Gcl.MLNet.Tests.Api;

[Collection(TrainedModelCollection.Name)]
public sealed class EnergyModelEstimatorTests(TrainedModel trained)
{
    [Fact]
    public void TheEstimatorsOutputShapeAgreesWithTheFittedTransformersSchema()
    {
        var estimator = trained.Context.Transforms.EnergyModel(options: TestData.Tiny());

        var shape = estimator.GetOutputSchema(ShapeOf(trained.Training.Schema));
        var schema = trained.Transformer.GetOutputSchema(trained.Training.Schema);

        Assert.Equal(schema.Select(c => c.Name), shape.Select(c => c.Name));
        foreach (var column in schema)
        {
            var expected = ShapeOf(column);
            var actual = shape.Single(c => c.Name == column.Name);
            Assert.Equal((expected.Kind, expected.ItemType, expected.IsKey), (actual.Kind, actual.ItemType, actual.IsKey));
        }
    }

    [Theory]
    [InlineData("scalar", "Column 'Features' is a scalar Single; the energy model needs a known-size vector of Single (float) features. " +
        "Combine scalar columns with mlContext.Transforms.Concatenate(\"Features\", ...).")]
    [InlineData("unknown-size", "Column 'Features' is a vector of Single of unknown size; the energy model needs a known-size vector of " +
        "Single (float) features. Give the vector a known size, for example with [VectorType(n)] on the input class.")]
    [InlineData("double", "Column 'Features' is a known-size vector of Double; the energy model needs a known-size vector of Single (float) " +
        "features. Convert it with mlContext.Transforms.Conversion.ConvertType(\"Features\", outputKind: DataKind.Single).")]
    [InlineData("missing", "Column 'Features' was not found in the input; the energy model needs a known-size vector of Single (float) features.")]
    public void InvalidInputTypesThrowBeforeTrainingWithExactMessages(string kind, string message)
    {
        var mlContext = new MLContext(seed: 1);
        var progress = new RecordingProgress();
        var estimator = mlContext.Transforms.EnergyModel(options: TestData.Tiny(seed: 1, progress));
        var data = WrongData(mlContext, kind);

        var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
        var shapeError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(ShapeOf(data.Schema)));

        Assert.Equal(message + " (Parameter 'input')", fitError.Message);
        Assert.Equal(message + " (Parameter 'inputSchema')", shapeError.Message);
        Assert.Empty(progress.Reports);
    }

    [Fact]
    public void OptionsAreValidatedBeforeTheDataIsLookedAt()
    {
        var mlContext = new MLContext(seed: 1);
        var estimator = mlContext.Transforms.EnergyModel("Missing", new EnergyModelOptions { BatchSize = 1 });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(trained.Training));

        Assert.Equal("EnergyModelOptions.BatchSize must be in [2, 65536]; got 1. (Parameter 'BatchSize')\nActual value was 1.", error.Message);
    }

    [Fact]
    public void PreviewFitsAndShowsScores()
    {
        var estimator = trained.Context.Transforms.EnergyModel(options: TestData.Tiny());

        var preview = estimator.Preview(trained.Training, maxRows: 5);

        Assert.Equal(5, preview.RowView.Length);
        Assert.All(preview.ColumnView.Single(c => c.Column.Name == "Score").Values, v => Assert.True(float.IsFinite((float)v)));
        Assert.Contains(preview.ColumnView, c => c.Column.Name == "PredictedLabel");
    }

    [Fact]
    public void ProgressGoesToTheHookAndToTheContextLog()
    {
        var mlContext = new MLContext(seed: 1);
        var messages = new List<string>();
        mlContext.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        var progress = new RecordingProgress();

        using var transformer = mlContext.Transforms.EnergyModel(options: TestData.Tiny(seed: 5, progress)).Fit(trained.Training);

        Assert.Contains(progress.Reports, r => r.Phase == TrainingPhase.WarmStart);
        Assert.Contains(progress.Reports, r => r.Phase == TrainingPhase.Adversarial);
        Assert.Contains(progress.Reports, r => r.Phase == TrainingPhase.Partition);
        Assert.Equal(transformer.Model.Summary.History, progress.Reports);
        Assert.All(progress.Reports, r => Assert.Contains(messages, m => m.Contains(r.Describe())));
        Assert.Contains(messages, m => m.Contains("Training an energy model on column 'Features'"));
    }

    [Fact]
    public void TheWarmStartStepsInBatchSizeRowsWhateverTheAdversarialBatch()
    {
        // About 1800 training rows: a warm-start pass is about 45 steps of 40 rows (validated once per pass), but
        // would be clamped to 25 steps if the warm start took the adversarial batch of 500.
        var mlContext = new MLContext(seed: 1);
        var options = new EnergyModelOptions
        {
            FlowBlocks = 1,
            FlowHiddenWidth = 8,
            AdversarialIterations = 0,
            KernelCenters = 0,
            PartitionSamples = 1000,
            BatchSize = 40,
            AdversarialBatchSize = 500,
            WarmStartSteps = 100,
            Seed = 3,
        };

        using var transformer = mlContext.Transforms.EnergyModel(options: options).Fit(TestData.View(mlContext, TestData.Gaussian(2000, seed: 4)));

        var summary = transformer.Model.Summary;
        int pass = (int)((summary.TrainingRows + 39) / 40);
        Assert.InRange(pass, 40, 49);
        var warmStartSteps = summary.History.Where(r => r.Phase == TrainingPhase.WarmStart).Select(r => r.Step);
        Assert.Equal([pass, 2 * pass, 100], warmStartSteps);
    }

    [Fact]
    public void TheSameSeedGivesBitIdenticalModelsAndTheContextSeedIsUsedWithoutOne()
    {
        var data = TestData.View(new MLContext(), TestData.Gaussian(120));
        float[] Scores(MLContext mlContext, int? seed)
        {
            using var transformer = mlContext.Transforms.EnergyModel(options: TestData.Micro(seed)).Fit(data);
            return TestData.Column(transformer.Transform(data), "Score");
        }

        Assert.Equal(Scores(new MLContext(), 3), Scores(new MLContext(), 3));
        Assert.Equal(Scores(new MLContext(seed: 8), null), Scores(new MLContext(seed: 8), null));
        Assert.NotEqual(Scores(new MLContext(seed: 8), null), Scores(new MLContext(seed: 9), null));
    }

    [Fact]
    public void SkippedRowsAreCountedLoggedAndLeftOut()
    {
        var mlContext = new MLContext(seed: 1);
        var warnings = new List<string>();
        mlContext.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        var rows = TestData.Gaussian(200);
        rows[3].Features[0] = float.NaN;
        rows[40].Features[2] = float.PositiveInfinity;
        rows[199].Features[3] = float.NegativeInfinity;

        using var transformer = mlContext.Transforms.EnergyModel(options: TestData.Micro(1, InvalidRowHandling.Skip)).Fit(TestData.View(mlContext, rows));

        var summary = transformer.Model.Summary;
        Assert.Equal(3, summary.SkippedRows);
        Assert.Equal(197, summary.TrainingRows + summary.ValidationRows);
        Assert.Contains(warnings, w => w.Contains("Skipped 3 rows of column 'Features' with NaN or infinity."));
    }

    [Fact]
    public void NaNInTrainingIsRejectedWithTheRowIndex()
    {
        var rows = TestData.Gaussian(100);
        rows[42].Features[1] = float.NaN;
        var estimator = trained.Context.Transforms.EnergyModel(options: TestData.Tiny());

        var error = Assert.Throws<ArgumentException>(() => estimator.Fit(TestData.View(trained.Context, rows)));

        Assert.StartsWith("Row 42 of column 'Features' has NaN at feature 1.", error.Message);
    }

    [Fact]
    public void EmptyDataGivesAClearError()
    {
        var estimator = trained.Context.Transforms.EnergyModel(options: TestData.Tiny());

        var error = Assert.Throws<ArgumentException>(() => estimator.Fit(TestData.View(trained.Context, [])));

        Assert.Equal("The training data is empty; the energy model needs at least 10 rows in column 'Features'. (Parameter 'input')", error.Message);
    }

    [Fact]
    public void AZeroVarianceFeatureIsWarnedAboutAndTrainingStillWorks()
    {
        var mlContext = new MLContext(seed: 1);
        var warnings = new List<string>();
        mlContext.Log += (_, e) => { if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning) lock (warnings) warnings.Add(e.Message); };
        var rows = TestData.Gaussian(200);
        foreach (var row in rows) row.Features[1] = 5f;
        var data = TestData.View(mlContext, rows);

        using var transformer = mlContext.Transforms.EnergyModel(options: TestData.Tiny()).Fit(data);

        Assert.Equal([1], transformer.Model.Summary.ConstantFeatures);
        Assert.Contains(warnings, w => w.Contains("Features 1 of column 'Features' are constant in the training data"));
        Assert.All(TestData.Column(transformer.Transform(data), "LogDensity"), v => Assert.True(float.IsFinite(v)));
    }

    private static SchemaShape ShapeOf(DataViewSchema schema) => new(schema.Select(ShapeOf));

    private static SchemaShape.Column ShapeOf(DataViewSchema.Column column) => column.Type switch
    {
        VectorDataViewType v => SchemaShapeColumns.Create(column.Name, v.Size > 0 ? VectorKind.Vector : VectorKind.VariableVector, v.ItemType, false),
        KeyDataViewType k => SchemaShapeColumns.Create(column.Name, VectorKind.Scalar, k, true),
        var t => SchemaShapeColumns.Create(column.Name, VectorKind.Scalar, t, false),
    };

    private static IDataView WrongData(MLContext mlContext, string kind) => kind switch
    {
        "scalar" => mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new ScalarRow { Features = i })),
        "unknown-size" => mlContext.Data.LoadFromEnumerable(TestData.Gaussian(20)),
        "double" => mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new DoubleRow { Features = [i, 1, 2, 3] })),
        _ => mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new OtherRow { Other = i })),
    };

    private sealed class ScalarRow
    {
        public float Features { get; set; }
    }

    private sealed class OtherRow
    {
        public float Other { get; set; }
    }

    private sealed class DoubleRow
    {
        [VectorType(4)]
        public double[] Features { get; set; } = [];
    }

    private sealed class RecordingProgress : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = [];

        public void Report(TrainingProgress value) => Reports.Add(value);
    }
}
