using System.Numerics.Tensors;
using TorchSharp.Modules;

namespace Gcl.MLNet.Inference;

/// <summary>A linear layer y = W x + b copied out of TorchSharp into managed float32 arrays, for one row at a time.</summary>
internal sealed class DenseLayer
{
    private readonly float[] weight;
    private readonly float[] bias;

    /// <summary>Copies the weights of <paramref name="linear"/> (row-major [out, in]).</summary>
    public DenseLayer(Linear linear)
    {
        InputSize = (int)linear.weight!.shape[1];
        OutputSize = (int)linear.weight.shape[0];
        weight = ManagedWeights.Copy(linear.weight);
        bias = ManagedWeights.Copy(linear.bias!);
    }

    /// <summary>Width of the input.</summary>
    public int InputSize { get; }

    /// <summary>Width of the output.</summary>
    public int OutputSize { get; }

    /// <summary>Writes W <paramref name="input"/> + b to <paramref name="output"/> (which must not overlap the input).</summary>
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        var rows = weight.AsSpan();
        for (int j = 0; j < OutputSize; j++)
        {
            output[j] = bias[j] + TensorPrimitives.Dot(rows.Slice(j * InputSize, InputSize), input);
        }
    }
}
