using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace Gcl.MLNet;

/// <summary>
/// The second stateless <c>CustomMapping</c> of the ONNX scoring pipeline: it turns the one-element
/// <c>Probability</c> vector of <c>ApplyOnnxModel</c> into the scalar column <see cref="EnergyModelTransformer"/>
/// emits. It is separate from <see cref="OnnxScoreUnwrapping"/> so that ML.NET pipelines saved by 0.1, whose ONNX
/// has no Probability output, still load. Public only because ML.NET's loader creates it by reflection; registering
/// the assembly (see <see cref="OnnxScoreUnwrapping"/>) registers both.
/// </summary>
[CustomMappingFactoryAttribute(ContractName)]
public sealed class OnnxProbabilityUnwrapping : CustomMappingFactory<OnnxProbabilityUnwrapping.Vector, OnnxProbabilityUnwrapping.Scalar>
{
    /// <summary>The contract name saved in ML.NET model files.</summary>
    public const string ContractName = "Gcl.MLNet.OnnxProbabilityUnwrapping";

    /// <summary>Copies the single element of the ONNX Probability output.</summary>
    /// <param name="input">The ONNX output of one row.</param>
    /// <param name="output">The scalar column.</param>
    public static void Unwrap(Vector input, Scalar output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        output.Probability = input.Probability is { Length: 1 } values ? values[0]
            : throw new InvalidOperationException($"The ONNX output 'Probability' holds {input.Probability?.Length ?? 0} values per row; an energy model's scoring ONNX holds one.");
    }

    /// <inheritdoc />
    public override Action<Vector, Scalar> GetMapping() => Unwrap;

    /// <summary>The ONNX output of one row, as <c>ApplyOnnxModel</c> emits it.</summary>
    public sealed class Vector
    {
        /// <summary>Gets or sets the outlier probability, one element.</summary>
        /// <value>[fraction of training rows with a lower Score].</value>
        [VectorType(1)]
        public float[] Probability { get; set; } = [];
    }

    /// <summary>The scalar column, named as <see cref="EnergyModelTransformer"/> names it.</summary>
    public sealed class Scalar
    {
        /// <summary>Gets or sets the outlier probability.</summary>
        /// <value>The fraction of training rows with a lower Score, in [0, 1].</value>
        public float Probability { get; set; }
    }
}
