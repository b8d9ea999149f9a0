using Gcl.MLNet.Common;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// The shape of an energy, and the one factory that builds energies from it (training builds fresh ones, loading a
/// model file builds the same shape before its weights are read). Each energy reports the options it was built
/// with, so what is saved cannot disagree with what runs.
/// </summary>
/// <param name="Kind">How E is parameterized.</param>
/// <param name="HiddenSizes">Hidden widths of the energy network (the tilt network for a tilted energy).</param>
/// <param name="TiltBound">Largest |h| of a tilted energy (unused by the MLP energy).</param>
/// <param name="Confinement">Quadratic confinement of the MLP energy (unused by the tilted energy).</param>
/// <param name="TailWeight">Weight of the heavy tail in a tilted energy's base density (unused by the MLP energy).</param>
internal sealed record EnergyOptions(EnergyNetworkKind Kind, IReadOnlyList<int> HiddenSizes, double TiltBound, double Confinement, double TailWeight)
{
    private const string Owner = nameof(EnergyOptions);

    /// <summary>The largest tail weight: the tail is a defence, not a model of the data.</summary>
    public const double MaximumTailWeight = 0.5;

    /// <summary>Throws when a value is out of range; the message names it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        Require.Defined(Owner, nameof(Kind), Kind);
        if (HiddenSizes is null || HiddenSizes.Count == 0 || HiddenSizes.Any(w => w <= 0))
            throw Require.Invalid(Owner, nameof(HiddenSizes), HiddenSizes, "must list one or more positive widths");
        if (Kind == EnergyNetworkKind.TiltedFlow)
        {
            Require.Positive(Owner, nameof(TiltBound), TiltBound);
            Require.InRange(Owner, nameof(TailWeight), TailWeight, 0, MaximumTailWeight);
        }
        else Require.NonNegative(Owner, nameof(Confinement), Confinement);
    }

    /// <summary>
    /// The number of values in the state of an energy of this shape over <paramref name="dimension"/> features,
    /// without building it: the network's, plus for a tilted energy its copy of a flow shaped by <paramref name="flow"/>.
    /// </summary>
    public long ValueCount(int dimension, FlowOptions flow)
    {
        long network = Mlp.ValueCount(dimension, HiddenSizes, 1);
        return Kind == EnergyNetworkKind.TiltedFlow ? network + flow.ValueCount(dimension) : network;
    }

    /// <summary>
    /// A new energy for rows of <paramref name="generator"/>'s dimension, in its dtype: a tilted energy takes a
    /// frozen copy of the generator as its reference. Call outside any dispose scope (the parameters must live on).
    /// </summary>
    /// <param name="generator">The flow generator (copied, never shared).</param>
    /// <param name="initialization">Seeds the new network's initial weights.</param>
    /// <param name="blank">
    /// For an energy whose state is loaded next: a tilted energy's reference is a <see cref="NormalizingFlow.Blank"/>
    /// flow of the generator's shape instead of a copy of its values.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public EnergyFunction Create(NormalizingFlow generator, Generator initialization, bool blank = false)
    {
        Validate();
        EnergyFunction energy = Kind == EnergyNetworkKind.TiltedFlow
            ? new TiltedFlowEnergy(blank ? NormalizingFlow.Blank(generator.Dimension, generator.Options, generator.Seed) : generator.Clone(),
                HiddenSizes, TiltBound, TailWeight, initialization)
            : new MlpEnergy(generator.Dimension, HiddenSizes, Confinement, initialization);
        energy.to(generator.parameters().First().dtype);
        return energy;
    }
}
