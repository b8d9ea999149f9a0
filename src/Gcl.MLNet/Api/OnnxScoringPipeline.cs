using Gcl.MLNet.DataViews;
using Microsoft.ML;

namespace Gcl.MLNet.Api;

/// <summary>
/// Builds the pure-ML.NET scoring pipeline of <see cref="EnergyModelTransformer.CreateOnnxScoringPipeline"/>:
/// ML.NET's <c>ApplyOnnxModel</c> on the scoring ONNX bytes, then the stateless <see cref="OnnxScoreUnwrapping"/>
/// and <see cref="OnnxProbabilityUnwrapping"/> mappings that turn ONNX Runtime's one-element vectors into the
/// transformer's scalar columns.
/// </summary>
internal static class OnnxScoringPipeline
{
    /// <summary>The pipeline over <paramref name="onnx"/>, whose input is named <paramref name="featureColumn"/>.</summary>
    /// <exception cref="InvalidOperationException">ONNX Runtime's native library cannot be loaded.</exception>
    public static IEstimator<ITransformer> Create(MLContext mlContext, byte[] onnx, string featureColumn)
    {
        mlContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScoreUnwrapping).Assembly);
        using var model = new MemoryStream(onnx, writable: false);
        string[] outputs = [.. OutputColumns.Added.Select(c => c.Name)];
        IEstimator<ITransformer> applyOnnx;
        try
        {
            applyOnnx = mlContext.Transforms.ApplyOnnxModel(outputs, [featureColumn], model);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException("ONNX Runtime's native library could not be loaded: the ONNX scoring pipeline " +
                "needs it. Add a reference to the Microsoft.ML.OnnxRuntime package (or Microsoft.ML.OnnxRuntime.Gpu).", e);
        }
        return applyOnnx.Append(mlContext.Transforms.CustomMapping<OnnxScoreUnwrapping.Vectors, OnnxScoreUnwrapping.Scalars>(
                OnnxScoreUnwrapping.Unwrap, OnnxScoreUnwrapping.ContractName))
            .Append(mlContext.Transforms.CustomMapping<OnnxProbabilityUnwrapping.Vector, OnnxProbabilityUnwrapping.Scalar>(
                OnnxProbabilityUnwrapping.Unwrap, OnnxProbabilityUnwrapping.ContractName));
    }
}
