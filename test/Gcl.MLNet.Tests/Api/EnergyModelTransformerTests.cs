using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.Api;

[Collection(TrainedModelCollection.Name)]
public sealed class EnergyModelTransformerTests(TrainedModel trained)
{
    [Fact]
    public void TransformAddsTheModelsScoresToEveryRow()
    {
        var rows = TestData.Gaussian(50, seed: 9);
        var output = trained.Transformer.Transform(TestData.View(trained.Context, rows));
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        trained.Transformer.Model.Score(rows.SelectMany(r => r.Features).ToArray(), energy, logDensity);

        Assert.Equal(energy, TestData.Column(output, "Energy"));
        Assert.Equal(logDensity, TestData.Column(output, "LogDensity"));
        Assert.Equal(logDensity.Select(v => -v), TestData.Column(output, "Score"));
        var threshold = trained.Transformer.Model.ScoreThreshold;
        Assert.Equal(logDensity.Select(v => -v > threshold), output.GetColumn<bool>("PredictedLabel"));
    }

    [Fact]
    public void TheSavedModelCarriesItsScoringOnnxWhichOnnxRuntimeScoresAlike()
    {
        using var saved = new MemoryStream();
        trained.Transformer.Save(saved);
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(saved.ToArray()));
        var entry = archive.GetEntry(EnergyModelTransformer.OnnxEntryName);
        Assert.NotNull(entry);
        using var onnx = new MemoryStream();
        entry!.Open().CopyTo(onnx);

        var rows = TestData.Gaussian(7, seed: 4);
        var features = rows.SelectMany(r => r.Features).ToArray();
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        trained.Transformer.Model.Score(features, energy, logDensity);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx.ToArray());
        var input = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(features, new[] { rows.Length, TestData.Dimension });
        using var results = session.Run(new[] { Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Features", input) });
        var onnxLogDensity = results.Single(r => r.Name == "LogDensity").AsEnumerable<float>().ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.True(Math.Abs(onnxLogDensity[i] - logDensity[i]) <= 1e-4 * Math.Max(1, Math.Abs(logDensity[i])), $"row {i}: {onnxLogDensity[i]} vs {logDensity[i]}");
        }
    }

    [Fact]
    public void AKnownSizeOfAnotherLengthIsRejectedWhenTheSchemaIsChecked()
    {
        var data = TestData.View(trained.Context, TestData.Gaussian(5, dimension: 5), dimension: 5);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => trained.Transformer.Transform(data));

        Assert.Equal("Column 'Features' is a vector of 5 Single values; the model was trained on 4 features. (Parameter 'input')", error.Message);
    }

    [Fact]
    public void NaNAtScoringIsRejectedWithTheRowIndex()
    {
        var rows = TestData.Gaussian(5);
        rows[2].Features[1] = float.NaN;
        var output = trained.Transformer.Transform(TestData.View(trained.Context, rows));

        var error = Assert.Throws<InvalidOperationException>(() => TestData.Column(output, "Score"));

        Assert.StartsWith("Row 2 of column 'Features' has NaN at feature 1; the model scores finite values only.", error.Message);
    }

    [Fact]
    public void MlNetsModelSaveFailsWithAMessageNamingTheWaysThatWork()
    {
        var chain = new TransformerChain<ITransformer>(trained.Transformer);
        using var stream = new MemoryStream();

        var direct = Assert.Throws<NotSupportedException>(() => trained.Context.Model.Save(trained.Transformer, trained.Training.Schema, stream));
        var inChain = Assert.ThrowsAny<Exception>(() => trained.Context.Model.Save(chain, trained.Training.Schema, new MemoryStream()));

        Assert.Contains("transformer.Save(path)", direct.Message);
        Assert.Contains("EnergyModelTransformer.Load(mlContext, path)", direct.Message);
        Assert.Contains("ApplyOnnxModel", direct.Message);
        Assert.Contains("transformer.Save(path)", (inChain as NotSupportedException ?? inChain.InnerException)?.Message);
    }

    [Fact]
    public void ADisposedTransformerRefusesToScore()
    {
        using var stream = new MemoryStream();
        trained.Transformer.Save(stream);
        stream.Position = 0;
        var copy = EnergyModelTransformer.Load(trained.Context, stream);
        var output = copy.Transform(trained.Training);

        copy.Dispose();

        Assert.Throws<ObjectDisposedException>(() => TestData.Column(output, "Score"));
    }
}
