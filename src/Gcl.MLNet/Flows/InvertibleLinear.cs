using Gcl.MLNet.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// A learned invertible linear map x = W z with W = P L U (Glow's LU-parameterized 1x1 convolution): P a fixed
/// permutation, L unit lower triangular, U upper triangular with diagonal exp(logDiagonal). log|det W| =
/// sum(logDiagonal), and the inverse is two triangular solves, so neither direction needs a determinant or a
/// matrix inverse. It mixes all features between coupling layers. Starts as a random rotation (W orthogonal).
/// </summary>
internal sealed class InvertibleLinear : Bijector
{
    private readonly Parameter lower;
    private readonly Parameter upper;
    private readonly Parameter log_diagonal;
    // The permutation as a 0/1 matrix: a floating buffer follows the flow's dtype and device.
    private readonly Tensor permutation;

    /// <summary>
    /// Creates the layer at a random rotation drawn from <paramref name="generator"/>, or uninitialized when it is
    /// null: for a layer whose state is loaded next, since the rotation's QR and LU factorizations cost O(d³) time
    /// and several d x d temporaries (seconds and hundreds of MB for a thousand features).
    /// </summary>
    public InvertibleLinear(string name, int dimension, Generator? generator) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (generator is null)
        {
            // Uninitialized, since the loaded state replaces every value: filling d x d tensors is a parallel torch
            // operation, which costs milliseconds each when the cores are shared. Detached from any caller's dispose
            // scope: the module owns these tensors.
            lower = new Parameter(empty(dimension, dimension).DetachFromDisposeScope());
            upper = new Parameter(empty(dimension, dimension).DetachFromDisposeScope());
            log_diagonal = new Parameter(empty(dimension).DetachFromDisposeScope());
            permutation = empty(dimension, dimension).DetachFromDisposeScope();
            RegisterComponents();
            return;
        }
        using (var scope = NewDisposeScope())
        {
            // A Haar-ish random orthogonal Q, factored Q = P L U; flipping the signs of U's columns keeps W = Q D
            // orthogonal and makes U's diagonal positive, as exp(logDiagonal) requires.
            var gaussian = randn(dimension, dimension, dtype: ScalarType.Float64, generator: generator);
            var (q, _) = linalg.qr(gaussian);
            var (p, l, u) = linalg.lu(q);
            var signs = u.diagonal().sign();
            u = u * signs.unsqueeze(0);
            lower = new Parameter(l.tril(-1).to(ScalarType.Float32).DetachFromDisposeScope());
            upper = new Parameter(u.triu(1).to(ScalarType.Float32).DetachFromDisposeScope());
            log_diagonal = new Parameter(u.diagonal().abs().log().to(ScalarType.Float32).DetachFromDisposeScope());
            permutation = p.to(ScalarType.Float32).DetachFromDisposeScope();
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // TorchSharp's module disposal frees parameters but not buffers held in fields.
        if (disposing) permutation.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The unit lower-triangular factor L, [d, d].</summary>
    public Tensor LowerFactor() => lower.tril(-1).Plus(eye(lower.shape[0], dtype: lower.dtype, device: lower.device));

    /// <summary>The upper-triangular factor U with diagonal exp(logDiagonal), [d, d].</summary>
    public Tensor UpperFactor() => upper.triu(1).Plus(diag(log_diagonal.exp()));

    /// <summary>The permutation matrix P, [d, d].</summary>
    public Tensor Permutation => permutation;

    /// <summary>The log of U's diagonal; its sum is log|det W|.</summary>
    public Tensor LogDiagonal => log_diagonal;

    /// <summary>The matrix W = P L U of the forward map x = W z (for exporters).</summary>
    public Tensor Weight() => permutation.matmul(LowerFactor()).matmul(UpperFactor());

    /// <summary>W⁻¹ = U⁻¹ L⁻¹ Pᵀ computed by triangular solves (for exporters of the inverse direction).</summary>
    public Tensor InverseWeight()
    {
        var y = linalg.solve_triangular(LowerFactor(), permutation.t(), upper: false, unitriangular: true);
        return linalg.solve_triangular(UpperFactor(), y, upper: true);
    }

    /// <inheritdoc />
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor z)
    {
        var x = z.matmul(Weight().t());
        return (x, log_diagonal.sum().expand(z.shape[0]));
    }

    /// <inheritdoc />
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor x)
    {
        // Two d x d triangular solves give W⁻¹ once per call; one batched matmul then serves all rows (much faster
        // than solving with N right-hand sides).
        var z = x.matmul(InverseWeight().t());
        return (z, (-log_diagonal.sum()).expand(x.shape[0]));
    }
}
