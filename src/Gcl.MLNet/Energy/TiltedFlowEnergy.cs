using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// Energy as a bounded tilt of a frozen base density: E(u) = -log b(u) + h(u), with
/// h(u) = c * tanh(g(u) / c) for an MLP g whose last layer starts at zero, and the base
/// b(u) = (1 - eps) q_ref(u) + eps T(u) the reference flow defended by a heavy tail T (<see cref="StudentTDensity"/>;
/// eps = 0 gives the reference flow alone). The tail keeps a row far outside the data from falling off a cliff: the
/// flow's Gaussian-tailed extrapolation can charge such a row thousands of nats, T charges it at most
/// -log eps - log T(u), which grows only like (d + 1) log |u|. The model starts exactly at the
/// reference density (E = -log q_ref, Z = 1), and because |h| ≤ c the energy can neither dig low-energy pockets
/// where q_ref has no mass nor move importance weights against q_ref by more than exp(±c). This keeps the
/// paper's discriminator and generator losses intact while making the partition function estimable on real data.
/// </summary>
internal sealed class TiltedFlowEnergy : EnergyFunction
{
    private readonly NormalizingFlow reference;
    private readonly Mlp tilt;
    private readonly double tiltBound;
    private readonly double tailWeight;

    /// <summary>Creates the tilted energy; <paramref name="reference"/> is frozen and owned by this energy.</summary>
    /// <param name="reference">The reference flow (a copy of the maximum-likelihood warm start).</param>
    /// <param name="hiddenSizes">Hidden widths of the tilt network g.</param>
    /// <param name="tiltBound">The bound c on |h| in nats (positive).</param>
    /// <param name="tailWeight">The weight eps of the heavy tail in the base, in [0, 1).</param>
    /// <param name="initialization">Draws the tilt network's initial weights (reproducible under a seed).</param>
    public TiltedFlowEnergy(NormalizingFlow reference, IReadOnlyList<int> hiddenSizes, double tiltBound, double tailWeight, Generator initialization)
        : base(nameof(TiltedFlowEnergy))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tiltBound);
        if (!(tailWeight >= 0 && tailWeight < 1)) throw new ArgumentOutOfRangeException(nameof(tailWeight), tailWeight, "The tail weight must be in [0, 1).");
        this.reference = reference;
        this.tiltBound = tiltBound;
        this.tailWeight = tailWeight;
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

    /// <summary>
    /// An upper bound of -h(u) over every u, for rejection sampling: 0 while the tilt network's last layer is all zero
    /// (then h is identically 0, as after a fit without the adversarial stage, and every draw from the base is kept),
    /// the bound c otherwise.
    /// </summary>
    public double NegativeTiltBound
    {
        get
        {
            using var scope = NewDisposeScope();
            var last = tilt.Layers[^1];
            bool zero = last.weight!.count_nonzero().item<long>() == 0 && (last.bias is null || last.bias.count_nonzero().item<long>() == 0);
            return zero ? 0 : tiltBound;
        }
    }

    /// <summary>The weight eps of the heavy tail in the base density (0: none).</summary>
    public double TailWeight => tailWeight;

    /// <summary>The heavy tail T of the base density.</summary>
    public BroadDensity Tail => StudentTDensity.Cauchy;

    /// <inheritdoc />
    public override EnergyOptions Options => new(EnergyNetworkKind.TiltedFlow, tilt.HiddenSizes, tiltBound, 0, tailWeight);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => FixedPart(input).Plus(PenalizedPart(input));

    /// <summary>log b(u) per row: the reference flow, mixed with the heavy tail when eps is positive.</summary>
    public Tensor BaseLogProb(Tensor input)
    {
        var logReference = reference.LogProb(input);
        if (tailWeight == 0) return logReference;
        using var scope = NewDisposeScope();
        var terms = stack(new[] { logReference.Plus(Math.Log(1 - tailWeight)), Tail.LogProb(input).Plus(Math.Log(tailWeight)) }, 0);
        return scope.MoveToOuter(terms.logsumexp(0, keepdim: false));
    }

    /// <summary>
    /// Draws <paramref name="count"/> rows from the base b without gradients: the tail's share drawn from
    /// Binomial(count, eps), the rest from the reference flow, in random order.
    /// </summary>
    public Tensor SampleBase(long count, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long tailCount = tailWeight == 0 ? 0
            : (long)binomial(tensor((double)count, ScalarType.Float64), tensor(tailWeight, ScalarType.Float64), generator).item<double>();
        var fromReference = reference.Sample(count - tailCount, generator);
        if (tailCount == 0) return scope.MoveToOuter(fromReference);
        var rows = cat(new[] { fromReference, Tail.Sample(tailCount, Dimension, fromReference.dtype, generator) }, 0);
        return scope.MoveToOuter(rows.index_select(0, randperm(count, generator: generator)));
    }

    /// <summary>The bounded tilt h(u) = c * tanh(g(u) / c).</summary>
    public override Tensor PenalizedPart(Tensor input) => tilt.forward(input).squeeze(-1).DividedBy(tiltBound).tanh().Times(tiltBound);

    /// <summary>-log b(u): the frozen base density's part of the energy.</summary>
    public override Tensor FixedPart(Tensor input) => BaseLogProb(input).neg();

    /// <inheritdoc />
    public override (Tensor Energy, Tensor Penalized) ForwardWithPenalized(Tensor input, Tensor? fixedPart = null)
    {
        var tiltPart = PenalizedPart(input);
        return ((fixedPart ?? FixedPart(input)).Plus(tiltPart), tiltPart);
    }
}
