using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// An invertible map between noise space and data space with a tractable Jacobian determinant: the unit the
/// normalizing flow is built from. <see cref="Forward"/> maps noise z to data x, <see cref="Inverse"/> maps x back
/// to z; both return the per-row log absolute Jacobian determinant of the direction they compute, so the two
/// log-dets of a round trip are negatives of each other. Inputs are batches [N, d]; log-dets are [N].
/// </summary>
internal abstract class Bijector : nn.Module
{
    /// <summary>Creates the module with its state-dict name.</summary>
    protected Bijector(string name) : base(name)
    {
    }

    /// <summary>Maps noise-side rows z to data-side rows x.</summary>
    /// <param name="z">A batch [N, d].</param>
    /// <returns>x [N, d] and log|det dx/dz| per row [N].</returns>
    public abstract (Tensor Output, Tensor LogAbsDet) Forward(Tensor z);

    /// <summary>Maps data-side rows x to noise-side rows z.</summary>
    /// <param name="x">A batch [N, d].</param>
    /// <returns>z [N, d] and log|det dz/dx| per row [N].</returns>
    public abstract (Tensor Output, Tensor LogAbsDet) Inverse(Tensor x);
}
