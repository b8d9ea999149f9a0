using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// Energy as a bounded tilt of a frozen reference flow: E(u) = -log q_ref(u) + h(u), with
/// h(u) = c * tanh(g(u) / c) for an MLP g whose last layer starts at zero. The model starts exactly at the
/// reference density (E = -log q_ref, Z = 1), and because |h| ≤ c the energy can neither dig low-energy pockets
/// where q_ref has no mass nor move importance weights against q_ref by more than exp(±c). This keeps the
/// paper's discriminator and generator losses intact while making the partition function estimable on real data.
/// </summary>
internal sealed class TiltedFlowEnergy : EnergyFunction
{
    private readonly NormalizingFlow reference;
    private readonly Mlp tilt;
    private readonly double tiltBound;

    /// <summary>Creates the tilted energy; <paramref name="reference"/> is frozen and owned by this energy.</summary>
    /// <param name="reference">The reference flow (a copy of the maximum-likelihood warm start).</param>
    /// <param name="hiddenSizes">Hidden widths of the tilt network g.</param>
    /// <param name="tiltBound">The bound c on |h| in nats (positive).</param>
    /// <param name="initialization">Draws the tilt network's initial weights (reproducible under a seed).</param>
    public TiltedFlowEnergy(NormalizingFlow reference, IReadOnlyList<int> hiddenSizes, double tiltBound, Generator initialization)
        : base(nameof(TiltedFlowEnergy))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tiltBound);
        this.reference = reference;
        this.tiltBound = tiltBound;
        tilt = new Mlp("tilt", reference.Dimension, hiddenSizes, 1, zeroLastLayer: true, initialization: initialization);
        RegisterComponents();
        foreach (var parameter in this.reference.parameters()) parameter.requires_grad = false;
    }

    /// <inheritdoc />
    public override int Dimension => reference.Dimension;

    /// <summary>The frozen reference flow.</summary>
    public NormalizingFlow Reference => reference;

    /// <summary>The tilt network g (before the bound).</summary>
    public Mlp Tilt => tilt;

    /// <summary>The bound c on |h|.</summary>
    public double TiltBound => tiltBound;

    /// <inheritdoc />
    public override EnergyOptions Options => new(EnergyNetworkKind.TiltedFlow, tilt.HiddenSizes, tiltBound, 0);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => reference.LogProb(input).neg().Plus(PenalizedPart(input));

    /// <summary>The bounded tilt h(u) = c * tanh(g(u) / c).</summary>
    public override Tensor PenalizedPart(Tensor input) => tilt.forward(input).squeeze(-1).DividedBy(tiltBound).tanh().Times(tiltBound);

    /// <inheritdoc />
    public override (Tensor Energy, Tensor Penalized) ForwardWithPenalized(Tensor input)
    {
        var tiltPart = PenalizedPart(input);
        return (reference.LogProb(input).neg().Plus(tiltPart), tiltPart);
    }
}
