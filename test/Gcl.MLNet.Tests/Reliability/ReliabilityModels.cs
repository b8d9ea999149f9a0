using Gcl.MLNet.Tests.Support;
using Microsoft.ML;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>Tiny models for the reliability tests, trained in a fraction of a second.</summary>
internal static class ReliabilityModels
{
    /// <summary>A freshly trained micro model on 200 Gaussian rows (the caller disposes it).</summary>
    public static EnergyModelTransformer Train(MLContext mlContext, int seed = 5, EnergyModelOptions? options = null) =>
        mlContext.Transforms.EnergyModel(options: options ?? TestData.Micro(seed)).Fit(TestData.View(mlContext, TestData.Gaussian(200, seed)));

    /// <summary>The bytes of a saved micro model.</summary>
    public static byte[] SavedBytes(int seed = 5)
    {
        var mlContext = new MLContext(seed: 1);
        using var transformer = Train(mlContext, seed);
        using var buffer = new MemoryStream();
        transformer.Save(buffer);
        return buffer.ToArray();
    }
}
