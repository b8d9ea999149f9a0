using Gcl.MLNet.Onnx.Protobuf;
using Gcl.MLNet.Tests.Onnx;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.Api;

/// <summary>
/// The exported ONNX models' self-description: <c>model_version</c>, doc strings on the graph and on every input
/// and output, feature names from TextLoader's slot names or given with <see cref="EnergyModelTransformer.WithFeatureNames"/>.
/// </summary>
public sealed class OnnxMetadataTests : IDisposable
{
    private readonly MLContext mlContext = new(seed: 4);
    private readonly EnergyModelTransformer transformer;

    public OnnxMetadataTests() => transformer = mlContext.AnomalyDetection.Trainers.EnergyModel(options: TestData.Micro(seed: 4)).Fit(WbcData.Load(mlContext));

    [Fact]
    public void ModelVersionComposesTheFormatAndPackageVersions()
    {
        var version = typeof(EnergyModel).Assembly.GetName().Version!;
        long expected = 2_000_000_000L + version.Major * 1_000_000L + version.Minor * 1_000L + version.Build;
        using var runner = new OnnxTestRunner(Scoring(transformer));

        Assert.Equal(expected, runner.Session.ModelMetadata.Version);
        Assert.Equal(expected, ModelProto.Parser.ParseFrom(Sampling(transformer)).ModelVersion);
        Assert.Equal(2_000_002_000L, Gcl.MLNet.Model.ModelFormat.Compose(new Version(0, 2, 0)));
    }

    [Fact]
    public void TheGraphAndEveryInputAndOutputHaveADocStringWithUnits()
    {
        foreach (var bytes in new[] { Scoring(transformer), Sampling(transformer) })
        {
            var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
            Assert.StartsWith("Gcl.MLNet energy-based density model", graph.DocString);
            foreach (var value in graph.Input.Concat(graph.Output)) Assert.True(value.DocString.Length > 30, $"{value.Name} has no doc string");
        }
        var scoring = ModelProto.Parser.ParseFrom(Scoring(transformer)).Graph;
        Assert.Equal(["Energy", "LogDensity", "Score", "PredictedLabel", "Probability"], scoring.Output.Select(o => o.Name));
        Assert.Contains("nats", scoring.Output.Single(o => o.Name == "Score").DocString);
        Assert.Contains("raw units", scoring.Input[0].DocString);
        Assert.Contains("[0, 1]", scoring.Output.Single(o => o.Name == "Probability").DocString);
    }

    [Fact]
    public void FeatureNamesComeFromTextLoadersSlotNamesOrAreGiven()
    {
        Assert.Equal(WbcData.FeatureNames(), transformer.FeatureNames);
        Assert.Equal(WbcData.FeatureNames(), Names(Scoring(transformer)));

        var unnamed = mlContext.Transforms.EnergyModel(options: TestData.Micro(seed: 4)).Fit(TestData.View(mlContext, TestData.Gaussian(80)));
        using (unnamed)
        {
            Assert.Null(unnamed.FeatureNames);
            Assert.Null(Names(Scoring(unnamed)));
            string[] given = ["a", "b", "c", "d"];
            using var named = unnamed.WithFeatureNames(given);
            Assert.Equal(given, Names(Scoring(named)));
            Assert.Equal(given, Names(Sampling(named)));
            using var saved = new MemoryStream();
            named.Save(saved);
            using var loaded = EnergyModelTransformer.Load(mlContext, new MemoryStream(saved.ToArray()));
            Assert.Equal(given, loaded.FeatureNames);
            Assert.Throws<ArgumentException>(() => unnamed.WithFeatureNames(["a"]));
            Assert.Throws<ArgumentException>(() => unnamed.WithFeatureNames(["a", "", "c", "d"]));
        }
    }

    public void Dispose() => transformer.Dispose();

    private static byte[] Scoring(EnergyModelTransformer model)
    {
        using var stream = new MemoryStream();
        model.ExportScoringOnnx(stream);
        return stream.ToArray();
    }

    private static byte[] Sampling(EnergyModelTransformer model)
    {
        using var stream = new MemoryStream();
        model.ExportGeneratorOnnx(stream);
        return stream.ToArray();
    }

    private static string[]? Names(byte[] onnx)
    {
        var entry = ModelProto.Parser.ParseFrom(onnx).MetadataProps.SingleOrDefault(p => p.Key == "feature_names");
        return entry is null ? null : System.Text.Json.JsonSerializer.Deserialize<string[]>(entry.Value);
    }
}
