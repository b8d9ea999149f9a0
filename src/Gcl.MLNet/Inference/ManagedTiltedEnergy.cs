using Gcl.MLNet.Common;
using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Inference;

/// <summary>
/// <see cref="TiltedFlowEnergy"/>: E(u) = -log b(u) + c·tanh(g(u)/c), b = (1 - eps) q_ref + eps T (q_ref alone when eps = 0).
/// </summary>
internal sealed class ManagedTiltedEnergy(TiltedFlowEnergy energy, ManagedFlow reference) : ManagedEnergy
{
    private readonly ManagedMlp tilt = new(energy.Tilt);
    private readonly double bound = energy.TiltBound;
    private readonly double tailWeight = energy.TailWeight;
    private readonly BroadDensity tail = energy.Tail;

    /// <inheritdoc />
    public override int ScratchLength => Math.Max(reference.ScratchLength, 1 + tilt.ScratchLength);

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<float> u, Span<float> scratch)
    {
        double logBase = reference.LogProb(u, scratch);
        if (tailWeight > 0) logBase = LogSpace.Add(logBase + Math.Log(1 - tailWeight), tail.LogProb(u) + Math.Log(tailWeight));
        tilt.Forward(u, scratch[..1], scratch[1..]);
        return -logBase + bound * Math.Tanh(scratch[0] / bound);
    }
}
