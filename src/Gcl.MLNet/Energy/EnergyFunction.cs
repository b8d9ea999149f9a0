using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// An energy E(u) over standardized rows u: the unnormalized model is p(u) = exp(-E(u)) / Z.
/// <c>forward</c> maps a batch [N, d] to energies [N]. Lower energy = more probable.
/// </summary>
internal abstract class EnergyFunction : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with its state-dict name.</summary>
    protected EnergyFunction(string name) : base(name)
    {
    }

    /// <summary>Number of features of a row.</summary>
    public abstract int Dimension { get; }

    /// <summary>The options that build an energy of this shape (see <see cref="EnergyOptions.Create"/>).</summary>
    public abstract EnergyOptions Options { get; }

    /// <summary>
    /// The part of the energy the magnitude penalty acts on: the whole energy for free-form networks, only the
    /// learned correction for energies built on a reference density.
    /// </summary>
    public abstract Tensor PenalizedPart(Tensor input);

    /// <summary>
    /// The part of E(u) that training never changes (a frozen reference density's -log b(u)), or null when all of E is
    /// learned. An adversarial iteration evaluates it once on its generator batch and hands it to both steps.
    /// </summary>
    public virtual Tensor? FixedPart(Tensor input) => null;

    /// <summary>
    /// E(u) and <see cref="PenalizedPart"/>(u) together, the shared terms evaluated once: the discriminator step needs
    /// both, and asking for them one at a time runs the penalized network (and its backward pass) twice.
    /// </summary>
    /// <param name="input">Rows [N, d].</param>
    /// <param name="fixedPart"><see cref="FixedPart"/>(input) when the caller has it already; null computes it here.</param>
    public virtual (Tensor Energy, Tensor Penalized) ForwardWithPenalized(Tensor input, Tensor? fixedPart = null) => (forward(input), PenalizedPart(input));

    /// <summary>
    /// E at points on straight paths to <paramref name="endpoints"/> (row by row, same shape), for integrated
    /// gradients: E itself, unless the energy scores a row differently at the row than near it (a kernel term leaves a
    /// training row's own center out), in which case the path keeps the endpoint's rule all the way.
    /// </summary>
    public virtual Tensor ForwardOnPathsTo(Tensor points, Tensor endpoints) => forward(points);
}
