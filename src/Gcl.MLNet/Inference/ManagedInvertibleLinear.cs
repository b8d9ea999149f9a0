using System.Numerics.Tensors;
using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Inference;

/// <summary><see cref="InvertibleLinear"/>'s inverse z = W⁻¹ x (W⁻¹ from the layer's triangular solves), log|det| = -sum(logDiagonal).</summary>
internal sealed class ManagedInvertibleLinear : ManagedFlowLayer
{
    private readonly float[] inverseWeight;
    private readonly int dimension;
    private readonly double logAbsDet;

    /// <summary>Copies W⁻¹ and the log-determinant.</summary>
    public ManagedInvertibleLinear(InvertibleLinear layer)
    {
        dimension = (int)layer.LogDiagonal.shape[0];
        using (var scope = TorchSharp.torch.NewDisposeScope())
        using (TorchSharp.torch.no_grad())
        {
            inverseWeight = ManagedWeights.Copy(layer.InverseWeight());
        }
        logAbsDet = -ManagedWeights.CopyDouble(layer.LogDiagonal).Sum();
    }

    /// <inheritdoc />
    public override int ScratchLength => dimension;

    /// <inheritdoc />
    public override double Invert(Span<float> row, Span<float> scratch)
    {
        var x = scratch[..dimension];
        row.CopyTo(x);
        for (int j = 0; j < dimension; j++) row[j] = TensorPrimitives.Dot(inverseWeight.AsSpan(j * dimension, dimension), x);
        return logAbsDet;
    }
}
