using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Api;

/// <summary>The ONNX scoring pipeline (ApplyOnnxModel + the unwrapping CustomMapping) against the TorchSharp transformer.</summary>
public sealed class OnnxScoringPipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly MLContext mlContext = new(seed: 1);
    private readonly EnergyModelTransformer transformer = Fit(new MLContext(seed: 1), out _);

    [Fact]
    public void ThePipelineEmitsTheTransformersScalarColumnsWithItsNumbers()
    {
        var data = Wbc(mlContext);
        var onnxScored = transformer.CreateOnnxScoringPipeline(mlContext).Fit(data).Transform(data);
        var torchScored = transformer.Transform(data);

        foreach (string name in new[] { "Energy", "LogDensity", "Score", "Probability" })
        {
            Assert.Equal(NumberDataViewType.Single, onnxScored.Schema[name].Type);
            AssertClose(torchScored.GetColumn<float>(name).ToArray(), onnxScored.GetColumn<float>(name).ToArray(), name);
        }
        Assert.Equal(BooleanDataViewType.Instance, onnxScored.Schema["PredictedLabel"].Type);
        var scores = torchScored.GetColumn<float>("Score").ToArray();
        var torchLabels = torchScored.GetColumn<bool>("PredictedLabel").ToArray();
        var onnxLabels = onnxScored.GetColumn<bool>("PredictedLabel").ToArray();
        double threshold = transformer.Model.ScoreThreshold;
        for (int i = 0; i < scores.Length; i++)
        {
            // A score within float32 rounding of the threshold may fall either way.
            if (Math.Abs(scores[i] - threshold) > 1e-4 * Math.Max(1, Math.Abs(threshold))) Assert.Equal(torchLabels[i], onnxLabels[i]);
        }
        Assert.Contains(true, onnxLabels);
        Assert.Contains(false, onnxLabels);
    }

    [Fact]
    public void ASavedAndReloadedOnnxPipelineEvaluatesIdentically()
    {
        var data = Wbc(mlContext);
        var onnxModel = transformer.CreateOnnxScoringPipeline(mlContext).Fit(data);
        var before = mlContext.AnomalyDetection.Evaluate(onnxModel.Transform(data));
        string path = Path.Combine(Path.GetTempPath(), $"gcl-onnx-pipeline-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Model.Save(onnxModel, data.Schema, path);

            // A fresh context, as a scoring service would have: only the mapping's assembly is registered.
            var serviceContext = new MLContext();
            serviceContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScoreUnwrapping).Assembly);
            var reloaded = serviceContext.Model.Load(path, out var inputSchema);
            var after = serviceContext.AnomalyDetection.Evaluate(reloaded.Transform(Wbc(serviceContext)));

            Assert.Equal(data.Schema["Features"].Type, inputSchema["Features"].Type);
            Assert.Equal(before.AreaUnderRocCurve, after.AreaUnderRocCurve);
            Assert.Equal(before.DetectionRateAtFalsePositiveCount, after.DetectionRateAtFalsePositiveCount);
            var torchAuc = mlContext.AnomalyDetection.Evaluate(transformer.Transform(data)).AreaUnderRocCurve;
            output.WriteLine($"AUC: TorchSharp {torchAuc:F6}, ONNX pipeline {before.AreaUnderRocCurve:F6}, reloaded {after.AreaUnderRocCurve:F6}");
            Assert.Equal(torchAuc, after.AreaUnderRocCurve, 3);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void APipelineSavedIn01sShapeStillLoadsAndScores()
    {
        // 0.1's pipeline: ApplyOnnxModel with four outputs and the one unwrapping mapping, no Probability.
        var data = Wbc(mlContext);
        using var onnx = new MemoryStream();
        transformer.ExportScoringOnnx(onnx);
        onnx.Position = 0;
        var old = mlContext.Transforms.ApplyOnnxModel(["Energy", "LogDensity", "Score", "PredictedLabel"], ["Features"], onnx)
            .Append(mlContext.Transforms.CustomMapping<OnnxScoreUnwrapping.Vectors, OnnxScoreUnwrapping.Scalars>(OnnxScoreUnwrapping.Unwrap, OnnxScoreUnwrapping.ContractName))
            .Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"gcl-onnx-pipeline-0.1-{Guid.NewGuid():N}.zip");
        try
        {
            mlContext.Model.Save(old, data.Schema, path);
            var serviceContext = new MLContext();
            serviceContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScoreUnwrapping).Assembly);
            var scored = serviceContext.Model.Load(path, out _).Transform(Wbc(serviceContext));

            Assert.Null(scored.Schema.GetColumnOrNull("Probability"));
            AssertClose(transformer.Transform(data).GetColumn<float>("Score").ToArray(), scored.GetColumn<float>("Score").ToArray(), "Score");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void APipelineForAnotherFeatureSizeIsRejectedWhenFitted()
    {
        var other = TestData.View(mlContext, TestData.Gaussian(10));
        var pipeline = transformer.CreateOnnxScoringPipeline(mlContext);

        var error = Assert.Throws<InvalidOperationException>(() => pipeline.Fit(other));
        Assert.Contains("shape", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => transformer.Dispose();

    private void AssertClose(float[] expected, float[] actual, string name)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - actual[i]);
            largest = Math.Max(largest, difference / Math.Max(1, Math.Abs(expected[i])));
            Assert.True(difference <= 1e-4 * Math.Abs(expected[i]) + 1e-5, $"{name}[{i}]: {expected[i]} vs {actual[i]}");
        }
        output.WriteLine($"{name}: largest difference {largest:E2} (relative where |value| > 1, else absolute)");
    }

    private static EnergyModelTransformer Fit(MLContext mlContext, out IDataView data)
    {
        data = Wbc(mlContext);
        return mlContext.AnomalyDetection.Trainers.EnergyModel(options: TestData.Tiny(seed: 1)).Fit(data);
    }

    // wbc: 30 features, then a Boolean anomaly flag converted to the Single label Evaluate reads.
    private static IDataView Wbc(MLContext mlContext)
    {
        var raw = mlContext.Data.LoadFromTextFile(TestDataFiles.PathOf("wbc.csv"), [
            new TextLoader.Column("Features", DataKind.Single, 0, 29),
            new TextLoader.Column("IsAnomaly", DataKind.Boolean, 30),
        ], separatorChar: ',', hasHeader: true);
        return mlContext.Transforms.Conversion.ConvertType("Label", "IsAnomaly", DataKind.Single).Fit(raw).Transform(raw);
    }
}
