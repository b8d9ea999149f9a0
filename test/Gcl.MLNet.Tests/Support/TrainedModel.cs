using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.Support;

/// <summary>One tiny model trained once and shared by the test classes of the "trained model" collection.</summary>
public sealed class TrainedModel : IDisposable
{
    /// <summary>Trains on 300 synthetic rows with the tiny budget.</summary>
    public TrainedModel()
    {
        Context = new MLContext(seed: 3);
        Training = TestData.View(Context, TestData.Gaussian(300));
        Transformer = Context.Transforms.EnergyModel(options: TestData.Tiny()).Fit(Training);
    }

    /// <summary>The context the model was trained in.</summary>
    public MLContext Context { get; }

    /// <summary>The training rows.</summary>
    public IDataView Training { get; }

    /// <summary>The fitted transformer.</summary>
    public EnergyModelTransformer Transformer { get; }

    /// <inheritdoc />
    public void Dispose() => Transformer.Dispose();
}

/// <summary>The collection whose classes share one <see cref="TrainedModel"/>.</summary>
[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModel>
{
    /// <summary>The collection name.</summary>
    public const string Name = "trained model";
}
