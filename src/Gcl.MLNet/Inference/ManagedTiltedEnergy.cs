using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Inference;

/// <summary><see cref="TiltedFlowEnergy"/>: E(u) = -log q_ref(u) + c·tanh(g(u)/c).</summary>
internal sealed class ManagedTiltedEnergy(TiltedFlowEnergy energy, ManagedFlow reference) : ManagedEnergy
{
    private readonly ManagedMlp tilt = new(energy.Tilt);
    private readonly double bound = energy.TiltBound;

    /// <inheritdoc />
    public override int ScratchLength => Math.Max(reference.ScratchLength, 1 + tilt.ScratchLength);

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<float> u, Span<float> scratch)
    {
        double logProb = reference.LogProb(u, scratch);
        tilt.Forward(u, scratch[..1], scratch[1..]);
        return -logProb + bound * Math.Tanh(scratch[0] / bound);
    }
}
