using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Inference;

/// <summary><see cref="MlpEnergy"/>: E(u) = MLP(u) + confinement·|u|²/2.</summary>
internal sealed class ManagedMlpEnergy(MlpEnergy energy) : ManagedEnergy
{
    private readonly ManagedMlp network = new(energy.Network);
    private readonly double confinement = energy.Confinement;

    /// <inheritdoc />
    public override int ScratchLength => 1 + network.ScratchLength;

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<float> u, Span<float> scratch)
    {
        network.Forward(u, scratch[..1], scratch[1..]);
        double squaredNorm = 0;
        foreach (float value in u) squaredNorm += value * value;
        return scratch[0] + 0.5 * confinement * squaredNorm;
    }
}
