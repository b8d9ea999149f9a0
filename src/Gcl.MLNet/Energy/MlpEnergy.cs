using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// Free-form energy: E(u) = MLP(u) + confinement * |u|² / 2. The weak quadratic confinement keeps exp(-E)
/// integrable far from the data, where the network alone is unconstrained (the paper's plain recipe).
/// </summary>
internal sealed class MlpEnergy : EnergyFunction
{
    private readonly Mlp network;
    private readonly double confinement;

    /// <summary>Creates the energy for rows of <paramref name="dimension"/> features.</summary>
    /// <param name="dimension">Number of features.</param>
    /// <param name="hiddenSizes">Hidden widths of the MLP.</param>
    /// <param name="confinement">Weight of the quadratic confinement term (non-negative).</param>
    /// <param name="initialization">Draws the initial weights (reproducible under a seed); null uses torch's global generator.</param>
    public MlpEnergy(int dimension, IReadOnlyList<int> hiddenSizes, double confinement, Generator? initialization = null)
        : base(nameof(MlpEnergy))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(confinement);
        Dimension = dimension;
        this.confinement = confinement;
        network = new Mlp("network", dimension, hiddenSizes, 1, initialization: initialization);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int Dimension { get; }

    /// <summary>The network (for exporters).</summary>
    public Mlp Network => network;

    /// <summary>Weight of the quadratic confinement term.</summary>
    public double Confinement => confinement;

    /// <inheritdoc />
    public override EnergyOptions Options => new(EnergyNetworkKind.Mlp, network.HiddenSizes, 0, confinement, 0);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var energy = network.forward(input).squeeze(-1);
        return confinement == 0 ? energy : energy.Plus(input.Squared().sum(-1).Times(0.5 * confinement));
    }

    /// <inheritdoc />
    public override Tensor PenalizedPart(Tensor input) => forward(input);

    /// <inheritdoc />
    /// <remarks>All of this energy is learned (<see cref="EnergyFunction.FixedPart"/> is null), so there is no fixed part to reuse.</remarks>
    public override (Tensor Energy, Tensor Penalized) ForwardWithPenalized(Tensor input, Tensor? fixedPart = null)
    {
        var energy = forward(input);
        return (energy, energy);
    }
}
