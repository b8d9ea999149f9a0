using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Samples.Tests;

/// <summary>
/// One quick model on wbc.csv, trained once for the export and service tests: saved to a model file, its scoring
/// ONNX exported beside it.
/// </summary>
public sealed class TrainedModel : IAsyncLifetime
{
    private readonly TemporaryFolder folder = new();

    /// <summary>The context the model was trained in.</summary>
    public MLContext Context { get; } = new(seed: 1);

    /// <summary>The fitted transformer.</summary>
    public EnergyModelTransformer Transformer { get; private set; } = null!;

    /// <summary>The saved model file.</summary>
    public string ModelPath => folder.File("model.zip");

    /// <summary>The exported scoring ONNX file.</summary>
    public string OnnxPath => folder.File("scoring.onnx");

    public async Task InitializeAsync()
    {
        Transformer = Context.AnomalyDetection.Trainers.EnergyModel("Features", SampleBudgets.Options(quick: true)).Fit(SampleData.Load(Context));
        Transformer.Save(ModelPath);
        using (var file = File.Create(OnnxPath)) Transformer.ExportScoringOnnx(file);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Task.CompletedTask;
        Transformer.Dispose();
        folder.Dispose();
    }
}

/// <summary>
/// The test classes that train or score with TorchSharp: they share one <see cref="TrainedModel"/> and run one at a
/// time, with nothing else beside them. Training fails inside TorchSharp ("Unknown scalar type", Scalar.h asserts) when
/// garbage collections run often beside it (TorchSharp 0.107's Scalar is freed by a finalizer): measured 2 of 10
/// runs failing when these classes ran in parallel, none in 8 runs one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModel>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "TorchSharp: trained model, one class at a time";
}
