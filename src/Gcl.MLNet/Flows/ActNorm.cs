using Gcl.MLNet.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Per-feature affine map x = z * exp(logScale) + shift (Kingma and Dhariwal 2018, "Glow"). Initialized from data
/// so that <see cref="Inverse"/> maps the initialization batch to zero mean and unit variance at this layer, which
/// keeps every block of a deep flow well scaled at the start of training. log|det| = sum(logScale) for every row.
/// </summary>
internal sealed class ActNorm : Bijector
{
    /// <summary>Smallest standard deviation used by the data-dependent initialization (constant inputs).</summary>
    public const double MinimumInitialScale = 1e-6;

    private readonly Parameter shift;
    private readonly Parameter log_scale;
    // 1 once initialized from data; a buffer so that it travels with state_dict, Clone and save/load.
    private readonly Tensor initialized;

    /// <summary>Creates an identity ActNorm over <paramref name="dimension"/> features, not yet initialized.</summary>
    public ActNorm(string name, int dimension) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        // Detached from any caller's dispose scope: the module owns these tensors.
        shift = new Parameter(zeros(dimension).DetachFromDisposeScope());
        log_scale = new Parameter(zeros(dimension).DetachFromDisposeScope());
        initialized = zeros(1).DetachFromDisposeScope();
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // TorchSharp's module disposal frees parameters but not buffers held in fields.
        if (disposing) initialized.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Per-feature shift (data side), [d].</summary>
    public Tensor Shift => shift;

    /// <summary>Per-feature log scale, [d].</summary>
    public Tensor LogScale => log_scale;

    /// <summary>Whether <see cref="InitializeFromData"/> has run (stored in the state dict).</summary>
    public bool IsInitialized
    {
        get
        {
            using var scope = NewDisposeScope();
            return initialized.to(ScalarType.Float64).item<double>() != 0;
        }
    }

    /// <summary>
    /// Sets shift to the batch mean and scale to the batch (population) standard deviation, so the inverse maps
    /// <paramref name="x"/> to zero mean and unit variance per feature; marks the layer initialized.
    /// </summary>
    /// <param name="x">Data-side rows reaching this layer, [N, d] with N of at least 2.</param>
    public void InitializeFromData(Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var mean = x.mean(new long[] { 0 });
        var std = x.std(0, unbiased: false).ClampedBelow(MinimumInitialScale);
        shift.copy_(mean);
        log_scale.copy_(std.log());
        initialized.FillWith(1.0);
    }

    /// <inheritdoc />
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor z)
    {
        var x = (z * log_scale.exp()).Plus(shift);
        return (x, log_scale.sum().expand(z.shape[0]));
    }

    /// <inheritdoc />
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor x)
    {
        var z = (x - shift) * (-log_scale).exp();
        return (z, (-log_scale.sum()).expand(x.shape[0]));
    }
}
