using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Inference;

/// <summary>
/// <see cref="AffineCoupling"/>'s inverse: the conditioner reads the kept features (or a constant 1 in one
/// dimension) and gives (shift, raw) per transformed feature; s = bound·tanh(raw/bound), z = (x - shift)·exp(-s).
/// </summary>
internal sealed class ManagedAffineCoupling : ManagedFlowLayer
{
    private static readonly float[] ConstantContext = [1f];
    private readonly ManagedMlp conditioner;
    private readonly int conditioningOffset, conditioningCount, transformedOffset, transformedCount;
    private readonly float bound;

    /// <summary>Copies the conditioner and the split.</summary>
    public ManagedAffineCoupling(AffineCoupling layer)
    {
        conditioner = new ManagedMlp(layer.Conditioner);
        conditioningOffset = layer.ConditioningOffset;
        conditioningCount = layer.ConditioningCount;
        transformedOffset = layer.TransformedOffset;
        transformedCount = layer.TransformedCount;
        bound = (float)layer.LogScaleBound;
    }

    /// <inheritdoc />
    public override int ScratchLength => 2 * transformedCount + conditioner.ScratchLength;

    /// <inheritdoc />
    public override double Invert(Span<float> row, Span<float> scratch)
    {
        var parameters = scratch[..(2 * transformedCount)];
        ReadOnlySpan<float> context = conditioningCount > 0 ? row.Slice(conditioningOffset, conditioningCount) : ConstantContext;
        conditioner.Forward(context, parameters, scratch[(2 * transformedCount)..]);
        double logAbsDet = 0;
        var moved = row.Slice(transformedOffset, transformedCount);
        for (int k = 0; k < transformedCount; k++)
        {
            float logScale = bound * MathF.Tanh(parameters[2 * k + 1] / bound);
            moved[k] = (moved[k] - parameters[2 * k]) * MathF.Exp(-logScale);
            logAbsDet -= logScale;
        }
        return logAbsDet;
    }
}
