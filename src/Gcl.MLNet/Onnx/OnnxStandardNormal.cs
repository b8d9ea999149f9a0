namespace Gcl.MLNet.Onnx;

/// <summary>
/// The standard-normal log-density of each row, the base density of the flow:
/// <c>log N(z) = -0.5 * sum_j z_j² - 0.5 * d * log(2π)</c>, with the constant folded in double precision.
/// </summary>
internal static class OnnxStandardNormal
{
    /// <summary>Appends the log-density of the <c>[N, d]</c> rows <paramref name="z"/>; returns the <c>[N]</c> value name.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="z">Value name of the rows.</param>
    /// <param name="dimension">The row width d.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is not positive.</exception>
    public static string StandardNormalLogDensity(this OnnxGraphBuilder graph, string z, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        var squaredNorm = graph.ReduceSum(graph.Mul(z, z), [1]);
        var halfNorm = graph.Mul(squaredNorm, graph.Scalar(-0.5f));
        return graph.Sub(halfNorm, graph.Scalar((float)(0.5 * dimension * Math.Log(2 * Math.PI))));
    }
}
