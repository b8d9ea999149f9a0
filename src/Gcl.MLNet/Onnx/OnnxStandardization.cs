namespace Gcl.MLNet.Onnx;

/// <summary>
/// Per-feature standardization inside the graph, so an exported model takes rows in raw units: <c>u = (x - m) / s</c>
/// and its inverse <c>x = u * s + m</c>, with the fitted double statistics stored as float32 <c>[d]</c> initializers
/// broadcast over the batch.
/// </summary>
internal static class OnnxStandardization
{
    /// <summary>Appends <c>(x - mean) / scale</c> for <c>[N, d]</c> values <paramref name="x"/>.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="x">Value name of the raw rows.</param>
    /// <param name="mean">Per-feature means (length d).</param>
    /// <param name="scale">Per-feature positive, finite scales (length d).</param>
    /// <returns>Value name of the standardized rows.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a scale is not positive and finite.</exception>
    public static string Standardize(this OnnxGraphBuilder graph, string x, IReadOnlyList<double> mean, IReadOnlyList<double> scale)
    {
        var (m, s) = Statistics(graph, mean, scale);
        return graph.Div(graph.Sub(x, m), s);
    }

    /// <summary>Appends <c>u * scale + mean</c>, mapping standardized rows back to raw units.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="u">Value name of the standardized rows.</param>
    /// <param name="mean">Per-feature means (length d).</param>
    /// <param name="scale">Per-feature positive, finite scales (length d).</param>
    /// <returns>Value name of the rows in raw units.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a scale is not positive and finite.</exception>
    public static string Unstandardize(this OnnxGraphBuilder graph, string u, IReadOnlyList<double> mean, IReadOnlyList<double> scale)
    {
        var (m, s) = Statistics(graph, mean, scale);
        return graph.Add(graph.Mul(u, s), m);
    }

    /// <summary>
    /// Appends the input-range rule (see <see cref="Inference.InputRange"/>): <c>clip(u, -bound, bound)</c> for the
    /// energy network, and the excess penalty <c>sum_j max(0, ln|x_j - m_j| - ln s_j - ln bound)</c> per row, with
    /// <c>|x - m|</c> computed as <c>2 |x/2 - m/2|</c> so float32 cannot overflow for any finite x.
    /// </summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="x">Value name of the raw rows [N, d].</param>
    /// <param name="u">Value name of the standardized rows [N, d].</param>
    /// <param name="mean">Per-feature means (length d).</param>
    /// <param name="scale">Per-feature positive, finite scales (length d).</param>
    /// <param name="bound">The clamp of the standardized values.</param>
    /// <returns>The clamped rows [N, d] and the penalty [N].</returns>
    public static (string Clamped, string Penalty) ClampInputRange(this OnnxGraphBuilder graph, string x, string u,
        IReadOnlyList<double> mean, IReadOnlyList<double> scale, double bound)
    {
        var clamped = graph.Clip(u, (float)-bound, (float)bound);
        var halfMean = graph.AddInitializer("range_half_mean", mean.Select(m => 0.5 * m).ToArray(), mean.Count);
        var offset = graph.AddInitializer("range_log_offset", scale.Select(s => Math.Log(2) - Math.Log(s) - Math.Log(bound)).ToArray(), scale.Count);
        var half = graph.Sub(graph.Mul(x, graph.Scalar(0.5f)), halfMean);
        var logDistance = graph.Add(graph.Log(graph.Max(half, graph.Neg(half))), offset);
        var penalty = graph.ReduceSum(graph.Max(logDistance, graph.Scalar(0f)), [1]);
        return (clamped, penalty);
    }

    private static (string Mean, string Scale) Statistics(OnnxGraphBuilder graph, IReadOnlyList<double> mean, IReadOnlyList<double> scale)
    {
        if (mean.Count != scale.Count)
        {
            throw new ArgumentException($"The standardizer has {mean.Count} means but {scale.Count} scales.", nameof(scale));
        }
        for (int j = 0; j < scale.Count; j++)
        {
            if (!(scale[j] > 0 && double.IsFinite(scale[j])))
            {
                throw new ArgumentException($"Standardizer scale {j} is {scale[j]}; scales must be positive and finite.", nameof(scale));
            }
        }
        return (graph.AddInitializer("standardize_mean", mean, mean.Count), graph.AddInitializer("standardize_scale", scale, scale.Count));
    }
}
