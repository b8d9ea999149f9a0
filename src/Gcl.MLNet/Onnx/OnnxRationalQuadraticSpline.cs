using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The graph form of <see cref="RationalQuadraticSpline.Apply"/>, operation for operation so that float32 results
/// agree: knots from a floored softmax and a cumulative sum (an exclusive <c>CumSum</c> padded with the end at 1,
/// which pins both ends at ±B exactly), knot derivatives padded with 1 at ±B, the bin found by counting the interior
/// knots at or below the clamped value (<c>GreaterOrEqual</c>, <c>ReduceSum</c>), the bin's values picked with
/// <c>GatherElements</c> (torch's <c>gather</c>), the quadratic solved in its cancellation-free form for the inverse,
/// and the identity tails outside [-B, B] chosen by <c>Where</c>.
/// </summary>
internal static class OnnxRationalQuadraticSpline
{
    // softplus(raw + DerivativeOffset) + MinimumDerivative = 1 at raw = 0, as in RationalQuadraticSpline.
    private static readonly double DerivativeOffset = Math.Log(Math.Exp(1 - RationalQuadraticSpline.MinimumDerivative) - 1);

    /// <summary>Appends the spline (or its inverse) applied elementwise.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="input">Value name of the values <c>[N, t]</c>.</param>
    /// <param name="parameters">Value name of the unnormalized parameters <c>[N, t, 3K - 1]</c>: widths, heights, interior derivatives.</param>
    /// <param name="bins">Number of bins K, at least 2.</param>
    /// <param name="bound">Half-width B of the spline's interval.</param>
    /// <param name="inverse">False: y = f(x); true: x = f⁻¹(y).</param>
    /// <returns>Value names of the mapped values and of log|d output / d input|, both <c>[N, t]</c>.</returns>
    public static (string Output, string LogAbsDerivative) Apply(
        OnnxGraphBuilder graph, string input, string parameters, int bins, double bound, bool inverse)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        var xKnots = Knots(graph, graph.Slice(parameters, 2, 0, bins), RationalQuadraticSpline.MinimumBinWidth, bins, bound);
        var yKnots = Knots(graph, graph.Slice(parameters, 2, bins, 2 * bins), RationalQuadraticSpline.MinimumBinHeight, bins, bound);
        var derivatives = Derivatives(graph, graph.Slice(parameters, 2, 2 * bins, 3 * bins - 1));

        float b = (float)bound;
        var inside = graph.And(graph.GreaterOrEqual(input, graph.Scalar(-b)), graph.LessOrEqual(input, graph.Scalar(b)));
        var clamped = graph.Clip(input, -b, b);
        var interior = graph.Slice(inverse ? yKnots : xKnots, 2, 1, bins);
        var below = graph.ToInt64(graph.GreaterOrEqual(graph.Unsqueeze(clamped, 2), interior));
        var index = graph.ReduceSum(below, [2], keepDims: true);
        var next = graph.Add(index, graph.Int64Scalar(1));

        var x0 = Pick(graph, xKnots, index);
        var width = graph.Sub(Pick(graph, xKnots, next), x0);
        var y0 = Pick(graph, yKnots, index);
        var height = graph.Sub(Pick(graph, yKnots, next), y0);
        var d0 = Pick(graph, derivatives, index);
        var d1 = Pick(graph, derivatives, next);
        var slope = graph.Div(height, width);
        var curvature = graph.Sub(graph.Add(d0, d1), graph.Mul(graph.Scalar(2), slope));

        var (xi, mapped) = inverse
            ? Inverse(graph, clamped, x0, width, y0, height, d0, slope, curvature)
            : Forward(graph, clamped, x0, width, y0, height, d0, slope, curvature);

        var oneMinus = graph.Sub(graph.Scalar(1), xi);
        var denominator = graph.Add(slope, graph.Mul(graph.Mul(curvature, xi), oneMinus));
        var blend = graph.Add(
            graph.Add(graph.Mul(d1, graph.Mul(xi, xi)), graph.Mul(graph.Mul(graph.Mul(graph.Scalar(2), slope), xi), oneMinus)),
            graph.Mul(d0, graph.Mul(oneMinus, oneMinus)));
        var numerator = graph.Mul(graph.Mul(slope, slope), blend);
        var logDerivative = graph.Sub(graph.Log(numerator), graph.Mul(graph.Scalar(2), graph.Log(denominator)));
        if (inverse) logDerivative = graph.Neg(logDerivative);

        return (graph.Where(inside, mapped, input), graph.Where(inside, logDerivative, graph.Scalar(0)));
    }

    // y = y0 + h (s ξ² + d0 ξ(1-ξ)) / (s + c ξ(1-ξ)) with ξ the position of x in its bin.
    private static (string Xi, string Mapped) Forward(OnnxGraphBuilder graph, string clamped, string x0, string width,
        string y0, string height, string d0, string slope, string curvature)
    {
        var xi = graph.Clip(graph.Div(graph.Sub(clamped, x0), width), 0, 1);
        var t = graph.Mul(xi, graph.Sub(graph.Scalar(1), xi));
        var numerator = graph.Mul(height, graph.Add(graph.Mul(slope, graph.Mul(xi, xi)), graph.Mul(d0, t)));
        return (xi, graph.Add(y0, graph.Div(numerator, graph.Add(slope, graph.Mul(curvature, t)))));
    }

    // Solves a ξ² + b ξ + c = 0 for ξ in [0, 1] as 2c / (-b - √Δ), then x = x0 + ξ w.
    private static (string Xi, string Mapped) Inverse(OnnxGraphBuilder graph, string clamped, string x0, string width,
        string y0, string height, string d0, string slope, string curvature)
    {
        var dy = graph.Sub(clamped, y0);
        var dyCurvature = graph.Mul(dy, curvature);
        var a = graph.Add(graph.Mul(height, graph.Sub(slope, d0)), dyCurvature);
        var b = graph.Sub(graph.Mul(height, d0), dyCurvature);
        var c = graph.Mul(graph.Neg(slope), dy);
        var discriminant = graph.Max(graph.Sub(graph.Mul(b, b), graph.Mul(graph.Mul(graph.Scalar(4), a), c)), graph.Scalar(0));
        var root = graph.Div(graph.Mul(graph.Scalar(2), c), graph.Sub(graph.Neg(b), graph.Sqrt(discriminant)));
        var xi = graph.Clip(root, 0, 1);
        return (xi, graph.Add(x0, graph.Mul(xi, width)));
    }

    // Knot positions [N, t, K + 1] from unnormalized sizes [N, t, K]: floored softmax, running sum from 0, ends at ±B.
    private static string Knots(OnnxGraphBuilder graph, string raw, double minimum, int bins, double bound)
    {
        var fractions = graph.Add(graph.Mul(graph.Softmax(raw, -1), graph.Scalar((float)(1 - minimum * bins))), graph.Scalar((float)minimum));
        var starts = graph.Pad(graph.CumSum(fractions, 2, exclusive: true), 1, 0, 0, 0, 0, 0, 1);
        return graph.Sub(graph.Mul(starts, graph.Scalar((float)(2 * bound))), graph.Scalar((float)bound));
    }

    // Derivatives at all K + 1 knots [N, t, K + 1]: 1 at ±B, floored softplus in between.
    private static string Derivatives(OnnxGraphBuilder graph, string raw)
    {
        var interior = graph.Add(graph.Softplus(graph.Add(raw, graph.Scalar((float)DerivativeOffset))),
            graph.Scalar((float)RationalQuadraticSpline.MinimumDerivative));
        return graph.Pad(interior, 1, 0, 0, 1, 0, 0, 1);
    }

    private static string Pick(OnnxGraphBuilder graph, string table, string index) =>
        graph.Squeeze(graph.GatherElements(table, index, 2), 2);
}
