using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The graph form of <see cref="RationalQuadraticSpline.Apply"/>, equal to it up to float32 rounding, written for
/// ONNX Runtime's fast kernels (its CumSum, Softmax, Softplus and Pad kernels are slow over a short last axis):
/// the knots come from one <c>MatMul</c> of the exponentiated widths by a constant triangular matrix (running sums
/// and their total at once), with both ends pinned at ±B exactly; the bin is found by counting the interior knots
/// at or below the clamped value (<c>GreaterOrEqual</c>, <c>ReduceSum</c>); the bin's values are picked with
/// <c>GatherElements</c> (torch's <c>gather</c>), and the two knot derivatives are picked raw and only then mapped
/// through the floored softplus, with 1 at ±B; the inverse solves the bin's quadratic in its cancellation-free
/// form; <c>Where</c> makes the map the identity outside [-B, B].
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
        var rawDerivatives = graph.Slice(parameters, 2, 2 * bins, 3 * bins - 1);

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
        var d0 = Derivative(graph, rawDerivatives, index, bins, atLeft: true);
        var d1 = Derivative(graph, rawDerivatives, index, bins, atLeft: false);
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

    // Knot positions [N, t, K + 1] from unnormalized sizes [N, t, K]: knot k = -B + 2B (m k + (1 - m K) s_k / s_K) with
    // s_k the sum of the first k exponentials (one MatMul gives all of them); s_0 / s_K = 0 and s_K / s_K = 1 exactly,
    // and the offsets are chosen so that those give -B and B exactly.
    private static string Knots(OnnxGraphBuilder graph, string raw, double minimum, int bins, double bound)
    {
        var exponentials = graph.Exp(graph.Sub(raw, graph.ReduceMax(raw, [2], keepDims: true)));
        var before = new float[bins * (bins + 1)];
        for (int j = 0; j < bins; j++)
        {
            for (int k = j + 1; k <= bins; k++) before[j * (bins + 1) + k] = 1;
        }
        var sums = graph.MatMul(exponentials, graph.AddInitializer("spline_running_sum", before, bins, bins + 1));
        var shares = graph.Div(sums, graph.Slice(sums, 2, bins, bins + 1));
        float stretch = (float)(2 * bound * (1 - minimum * bins));
        var offsets = Enumerable.Range(0, bins + 1).Select(k => (float)(2 * bound * minimum * k - bound)).ToArray();
        // B - stretch is exact in float32 (Sterbenz: stretch = 2B(1 - mK) lies in [B, 2B] for K up to 500), so
        // stretch * 1 + offset is B (as float32) exactly.
        offsets[bins] = (float)bound - stretch;
        return graph.Add(graph.Mul(shares, graph.Scalar(stretch)), graph.AddInitializer("spline_knot_offset", offsets, bins + 1));
    }

    // The derivative at the left (index) or right (index + 1) knot of each value's bin [N, t]: 1 at the ends ±B,
    // else the floored softplus of the interior raw parameter [N, t, K - 1] that belongs to that knot.
    private static string Derivative(OnnxGraphBuilder graph, string raw, string index, int bins, bool atLeft)
    {
        var knot = atLeft ? graph.Add(index, graph.Int64Scalar(-1)) : index; // raw parameter j belongs to knot j + 1
        var picked = Pick(graph, raw, graph.ClipInt64(knot, 0, bins - 2));
        var interior = graph.Add(graph.Softplus(graph.Add(picked, graph.Scalar((float)DerivativeOffset))),
            graph.Scalar((float)RationalQuadraticSpline.MinimumDerivative));
        var atEnd = graph.Equal(graph.Squeeze(index, 2), graph.Int64Scalar(atLeft ? 0 : bins - 1));
        return graph.Where(atEnd, graph.Scalar(1), interior);
    }

    private static string Pick(OnnxGraphBuilder graph, string table, string index) =>
        graph.Squeeze(graph.GatherElements(table, index, 2), 2);
}
