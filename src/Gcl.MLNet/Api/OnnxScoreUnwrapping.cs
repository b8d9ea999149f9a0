using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Gcl.MLNet;

/// <summary>
/// The stateless <c>CustomMapping</c> of the ONNX scoring pipeline: ML.NET's <c>ApplyOnnxModel</c> emits every
/// ONNX output as a vector, and this turns the one-element <c>Energy</c>, <c>LogDensity</c>, <c>Score</c> and
/// <c>PredictedLabel</c> vectors into the scalar columns <see cref="EnergyModelTransformer"/> emits, so that
/// <c>mlContext.AnomalyDetection.Evaluate</c> and user code read both pipelines alike. It is public only because
/// ML.NET's loader creates it by reflection; register it before <c>mlContext.Model.Load</c> with
/// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScoreUnwrapping).Assembly)</c>.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class OnnxScoreUnwrapping : CustomMappingFactory<OnnxScoreUnwrapping.Vectors, OnnxScoreUnwrapping.Scalars>
{
    /// <summary>The contract name saved in ML.NET model files.</summary>
    public const string ContractName = "Gcl.MLNet.OnnxScoreUnwrapping";

    /// <summary>Copies the single element of each ONNX output vector.</summary>
    /// <param name="input">The ONNX outputs of one row.</param>
    /// <param name="output">The scalar columns.</param>
    public static void Unwrap(Vectors input, Scalars output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Energy = Single(input.Energy, nameof(input.Energy));
        output.LogDensity = Single(input.LogDensity, nameof(input.LogDensity));
        output.Score = Single(input.Score, nameof(input.Score));
        output.PredictedLabel = Single(input.PredictedLabel, nameof(input.PredictedLabel));
    }

    /// <inheritdoc />
    public override Action<Vectors, Scalars> GetMapping() => Unwrap;

    private static T Single<T>(T[]? values, string name) => values is { Length: 1 } ? values[0]
        : throw new InvalidOperationException($"The ONNX output '{name}' holds {values?.Length ?? 0} values per row; an energy model's scoring ONNX holds one.");

    /// <summary>The ONNX outputs of one row, as <c>ApplyOnnxModel</c> emits them.</summary>
    public sealed class Vectors
    {
        /// <summary>Gets or sets the energy, one element.</summary>
        /// <value>[E(x)].</value>
        [VectorType(1)]
        public float[] Energy { get; set; } = [];

        /// <summary>Gets or sets the normalized log-density, one element.</summary>
        /// <value>[log p(x)].</value>
        [VectorType(1)]
        public float[] LogDensity { get; set; } = [];

        /// <summary>Gets or sets the anomaly score, one element.</summary>
        /// <value>[-log p(x)].</value>
        [VectorType(1)]
        public float[] Score { get; set; } = [];

        /// <summary>Gets or sets the predicted label, one element.</summary>
        /// <value>[Score above the threshold].</value>
        [VectorType(1)]
        public bool[] PredictedLabel { get; set; } = [];
    }

    /// <summary>The scalar columns, named as <see cref="EnergyModelTransformer"/> names them.</summary>
    public sealed class Scalars
    {
        /// <summary>Gets or sets the energy.</summary>
        /// <value>E(x).</value>
        public float Energy { get; set; }

        /// <summary>Gets or sets the normalized log-density in raw units.</summary>
        /// <value>log p(x).</value>
        public float LogDensity { get; set; }

        /// <summary>Gets or sets the anomaly score.</summary>
        /// <value>-log p(x); higher is more anomalous.</value>
        public float Score { get; set; }

        /// <summary>Gets or sets whether the score is above the fitted threshold.</summary>
        /// <value>True for a predicted anomaly.</value>
        public bool PredictedLabel { get; set; }
    }
}
