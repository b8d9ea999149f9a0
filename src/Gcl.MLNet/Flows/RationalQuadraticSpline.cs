using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// The monotone rational-quadratic spline of Durkan, Bekasov, Murray and Papamakarios 2019 ("Neural Spline
/// Flows"), elementwise, kept apart from any module. K bins cover [-B, B] on both axes; inside, each bin maps by a
/// ratio of quadratics fixed by its width, height and the derivatives at its two knots; outside [-B, B] the map is
/// the identity (linear tails), and the derivatives at ±B are 1 so that the joins are C¹. The inverse solves the
/// bin's quadratic in closed form. Parameters per feature: K widths, K heights, K - 1 interior derivatives
/// (unnormalized). All-zero parameters give equal bins and unit derivatives: exactly the identity.
/// </summary>
internal static class RationalQuadraticSpline
{
    /// <summary>Smallest bin width as a fraction of 2B (keeps every bin invertible and well conditioned).</summary>
    public const double MinimumBinWidth = 1e-3;

    /// <summary>Smallest bin height as a fraction of 2B.</summary>
    public const double MinimumBinHeight = 1e-3;

    /// <summary>Smallest derivative at a knot (keeps the map strictly increasing).</summary>
    public const double MinimumDerivative = 1e-3;

    // softplus(raw + DerivativeOffset) + MinimumDerivative = 1 at raw = 0, so zero parameters give the identity.
    private static readonly double DerivativeOffset = Math.Log(Math.Exp(1 - MinimumDerivative) - 1);

    /// <summary>Unnormalized parameters per feature for <paramref name="bins"/> bins: 3K - 1.</summary>
    public static int ParameterCount(int bins) => 3 * bins - 1;

    /// <summary>Applies the spline (or its inverse) elementwise.</summary>
    /// <param name="input">Values [..., t].</param>
    /// <param name="parameters">Unnormalized parameters [..., t, 3K - 1]: widths, heights, interior derivatives.</param>
    /// <param name="bins">Number of bins K (at least 2).</param>
    /// <param name="bound">Half-width B of the spline's interval.</param>
    /// <param name="inverse">False: y = f(x); true: x = f⁻¹(y).</param>
    /// <returns>The mapped values and log|d output / d input| elementwise.</returns>
    public static (Tensor Output, Tensor LogAbsDerivative) Apply(Tensor input, Tensor parameters, int bins, double bound, bool inverse)
    {
        // Contiguous copies: CPU kernels run several times slower on the strided views narrow() returns.
        var xKnots = Knots(parameters.narrow(-1, 0, bins).contiguous(), MinimumBinWidth, bins, bound);
        var yKnots = Knots(parameters.narrow(-1, bins, bins).contiguous(), MinimumBinHeight, bins, bound);
        var derivatives = Derivatives(parameters.narrow(-1, 2 * bins, bins - 1).contiguous());

        var inside = input.AtLeast(-bound).logical_and(input.AtMost(bound));
        var clamped = input.Clamped(-bound, bound);
        // The bin index: how many interior knots lie at or below the value (a searchsorted by comparisons).
        var searched = inverse ? yKnots : xKnots;
        var index = clamped.unsqueeze(-1).ge(searched.narrow(-1, 1, bins - 1)).sum(-1, keepdim: true);

        var nextIndex = index.Plus(1L);
        var x0 = Pick(xKnots, index);
        var width = Pick(xKnots, nextIndex) - x0;
        var y0 = Pick(yKnots, index);
        var height = Pick(yKnots, nextIndex) - y0;
        var d0 = Pick(derivatives, index);
        var d1 = Pick(derivatives, nextIndex);
        var slope = height / width;
        var curvature = d0.Plus(d1) - slope.Times(2);

        Tensor xi;
        Tensor mapped;
        if (!inverse)
        {
            xi = ((clamped - x0) / width).Clamped(0, 1);
            var t = xi * xi.neg().Plus(1);
            mapped = y0.Plus(height * (slope * xi.Squared()).Plus(d0 * t) / slope.Plus(curvature * t));
        }
        else
        {
            // Solve a ξ² + b ξ + c = 0 for the bin coordinate ξ in [0, 1], in the cancellation-free form 2c / (-b - √Δ).
            var dy = clamped - y0;
            var a = (height * (slope - d0)).Plus(dy * curvature);
            var b = height * d0 - dy * curvature;
            var c = -slope * dy;
            var discriminant = (b.Squared() - (a * c).Times(4)).ClampedBelow(0);
            xi = (c.Times(2) / (-b - discriminant.sqrt())).Clamped(0, 1);
            mapped = x0.Plus(xi * width);
        }

        var oneMinus = xi.neg().Plus(1);
        var denominator = slope.Plus(curvature * xi * oneMinus);
        var numerator = slope.Squared() * (d1 * xi.Squared()).Plus((slope * xi * oneMinus).Times(2)).Plus(d0 * oneMinus.Squared());
        var logDerivative = numerator.log() - denominator.log().Times(2);
        if (inverse) logDerivative = -logDerivative;

        var output = where(inside, mapped, input);
        var logAbs = where(inside, logDerivative, zeros_like(logDerivative));
        return (output, logAbs);
    }

    // Knot positions [..., K + 1] from unnormalized sizes [..., K]: softmax with a floor, ends pinned at ±B exactly.
    private static Tensor Knots(Tensor raw, double minimum, int bins, double bound)
    {
        // softmax written out: libtorch's CPU softmax is slow over a last dimension this short.
        var exponentials = (raw - raw.amax(new long[] { -1 }, keepdim: true)).exp();
        var fractions = (exponentials / exponentials.sum(-1, keepdim: true)).Times(1 - minimum * bins).Plus(minimum);
        var interior = fractions.cumsum(-1).narrow(-1, 0, bins - 1).Times(2 * bound).Plus(-bound);
        var shape = interior.shape.ToArray();
        shape[^1] = 1;
        var start = zeros(shape, dtype: raw.dtype, device: raw.device).Plus(-bound);
        var end = zeros(shape, dtype: raw.dtype, device: raw.device).Plus(bound);
        return cat(new[] { start, interior, end }, -1);
    }

    // Derivatives at all K + 1 knots: 1 at ±B (to match the identity tails), positive in between.
    private static Tensor Derivatives(Tensor raw)
    {
        var interior = raw.Plus(DerivativeOffset).Softplus().Plus(MinimumDerivative);
        var shape = interior.shape.ToArray();
        shape[^1] = 1;
        var one = ones(shape, dtype: raw.dtype, device: raw.device);
        return cat(new[] { one, interior, one }, -1);
    }

    private static Tensor Pick(Tensor table, Tensor index) => table.gather(-1, index).squeeze(-1);
}
