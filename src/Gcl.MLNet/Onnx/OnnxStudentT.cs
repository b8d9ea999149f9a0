using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The log-density of <see cref="StudentTDensity"/> (the multivariate Cauchy) of each row:
/// <c>log T(u) = C_d - ((d + 1) / 2) log(1 + |u|²)</c>, with the constant folded in double precision.
/// </summary>
internal static class OnnxStudentT
{
    /// <summary>Appends the log-density of the <c>[N, d]</c> rows <paramref name="u"/>; returns the <c>[N]</c> value name.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="u">Value name of the rows.</param>
    /// <param name="dimension">The row width d.</param>
    public static string StudentTLogDensity(this OnnxGraphBuilder graph, string u, int dimension)
    {
        var logOnePlusNorm = graph.Log(graph.Add(graph.ReduceSum(graph.Mul(u, u), [1]), graph.Scalar(1f)));
        return graph.Add(graph.Mul(logOnePlusNorm, graph.Scalar((float)(-0.5 * (dimension + 1)))),
            graph.Scalar((float)StudentTDensity.LogNormalizer(dimension)));
    }
}
