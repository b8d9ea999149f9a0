using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// A model fitted through the ML.NET estimator with the default networks and a tiny training budget (2 warm-start
/// epochs, 10 adversarial iterations, the smallest log Z sample, no kernel term): scoring speed depends on the network
/// shapes, not on how well they are trained (a kernel term adds one pass over its centers per row, measured by
/// <c>quality</c> on the density sets). Keeps the rows it was fitted on: the speed measurements score them.
/// </summary>
internal sealed record QuickModel(EnergyModelTransformer Model, float[][] Rows) : IDisposable
{
    /// <summary>Number of features.</summary>
    public int Features => Model.Model.FeatureCount;

    /// <summary>Fits on 4,096 synthetic rows of <paramref name="features"/> features, seed 1, with torch's current thread setting.</summary>
    public static QuickModel Fit(MLContext mlContext, int features)
    {
        var rows = SyntheticRows.Create(ScoringSpeed.Batch, features, seed: features);
        var options = new EnergyModelOptions { Seed = 1, WarmStartSteps = 32, AdversarialIterations = 10, PartitionSamples = 1000, KernelCenters = 0 };
        return new QuickModel(mlContext.Transforms.EnergyModel("Features", options).Fit(StreamedRows.Load(mlContext, rows, rows.Length)), rows);
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
