using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Inference;

/// <summary><see cref="ActNorm"/>'s inverse z = (x - shift) exp(-logScale), log|det| = -sum(logScale).</summary>
internal sealed class ManagedActNorm : ManagedFlowLayer
{
    private readonly float[] shift;
    private readonly float[] inverseScale;
    private readonly double logAbsDet;

    /// <summary>Copies the layer's parameters.</summary>
    public ManagedActNorm(ActNorm layer)
    {
        shift = ManagedWeights.Copy(layer.Shift);
        var logScale = ManagedWeights.Copy(layer.LogScale);
        inverseScale = [.. logScale.Select(s => MathF.Exp(-s))];
        logAbsDet = -logScale.Sum(s => (double)s);
    }

    /// <inheritdoc />
    public override int ScratchLength => 0;

    /// <inheritdoc />
    public override double Invert(Span<float> row, Span<float> scratch)
    {
        for (int i = 0; i < row.Length; i++) row[i] = (row[i] - shift[i]) * inverseScale[i];
        return logAbsDet;
    }
}
