using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Native;

/// <summary>
/// Tensor arithmetic with numbers that keeps every TorchSharp <see cref="Scalar"/> reachable until the native call
/// returns. TorchSharp 0.107 turns a number (and the implicit alpha of <c>a + b</c>, and <c>square()</c>'s exponent)
/// into a temporary Scalar that no dispose scope tracks; once its handle is passed on, the object is unreachable and
/// a garbage collection can run its finalizer, freeing the native value while the operation still reads it (a crash
/// seen in batched scoring with collections forced beside it). The scoring path uses these instead of the operators.
/// </summary>
internal static class KeptScalars
{
    // Static, so never collected: the alpha of every addition (integral for integer tensors).
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar IntegralOne = 1L.ToScalar();

    /// <summary><paramref name="a"/> + <paramref name="b"/>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><paramref name="a"/> + <paramref name="c"/>.</summary>
    public static Tensor Plus(this Tensor a, double c) => Apply(a, c.ToScalar(), static (t, s) => t.add(s, One));

    /// <summary><paramref name="a"/> + <paramref name="c"/> for an integer tensor (indices).</summary>
    public static Tensor Plus(this Tensor a, long c) => Apply(a, c.ToScalar(), static (t, s) => t.add(s, IntegralOne));

    /// <summary><paramref name="a"/> · <paramref name="c"/>.</summary>
    public static Tensor Times(this Tensor a, double c) => Apply(a, c.ToScalar(), static (t, s) => t.mul(s));

    /// <summary><paramref name="a"/> / <paramref name="c"/>.</summary>
    public static Tensor DividedBy(this Tensor a, double c) => Apply(a, c.ToScalar(), static (t, s) => t.div(s));

    /// <summary><paramref name="a"/>², elementwise.</summary>
    public static Tensor Squared(this Tensor a) => a.mul(a);

    /// <summary><paramref name="a"/> clamped to [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static Tensor Clamped(this Tensor a, double low, double high)
    {
        using var lowScalar = low.ToScalar();
        using var highScalar = high.ToScalar();
        return a.clamp(lowScalar, highScalar);
    }

    /// <summary><paramref name="a"/> clamped below at <paramref name="low"/>.</summary>
    public static Tensor ClampedBelow(this Tensor a, double low) => Apply(a, low.ToScalar(), static (t, s) => t.clamp_min(s));

    /// <summary>Whether each element is at least <paramref name="c"/>.</summary>
    public static Tensor AtLeast(this Tensor a, double c) => Apply(a, c.ToScalar(), static (t, s) => t.ge(s));

    /// <summary>Whether each element is at most <paramref name="c"/>.</summary>
    public static Tensor AtMost(this Tensor a, double c) => Apply(a, c.ToScalar(), static (t, s) => t.le(s));

    /// <summary>Whether each element of an integer tensor equals <paramref name="c"/>.</summary>
    public static Tensor EqualTo(this Tensor a, long c) => Apply(a, c.ToScalar(), static (t, s) => t.eq(s));

    /// <summary>Fills <paramref name="a"/> with <paramref name="c"/> in place.</summary>
    public static Tensor FillWith(this Tensor a, double c) => Apply(a, c.ToScalar(), static (t, s) => t.fill_(s));

    /// <summary><paramref name="a"/> with <paramref name="value"/> where <paramref name="mask"/> is true.</summary>
    public static Tensor MaskedFill(this Tensor a, Tensor mask, double value) => Apply(a, value.ToScalar(), (t, s) => t.masked_fill(mask, s));

    /// <summary>softplus(x) = log(1 + exp(x)), computed stably as logaddexp(x, 0).</summary>
    public static Tensor Softplus(this Tensor a) => a.logaddexp(zeros_like(a));

    // Runs the operation, then disposes the scalar: the using keeps it reachable until the native call returned.
    private static Tensor Apply(Tensor a, Scalar scalar, Func<Tensor, Scalar, Tensor> operation)
    {
        using (scalar) return operation(a, scalar);
    }
}
