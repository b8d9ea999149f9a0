using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="AffineCoupling"/> in the direction of <typeparamref name="TStep"/>: with (m, raw) the
/// conditioner's two outputs per feature and <c>s = bound * tanh(raw / bound)</c>, forward <c>x = z * exp(s) + m</c>
/// (log-derivative s), inverse <c>z = (x - m) * exp(-s)</c> (log-derivative -s).
/// </summary>
/// <typeparam name="TStep">The direction translated.</typeparam>
internal sealed class AffineCouplingEmitter<TStep> : CouplingEmitter<AffineCoupling, TStep>
    where TStep : struct, IOnnxFlowStep<TStep>
{
    /// <inheritdoc />
    protected override (string Output, string LogAbsDerivative) Transform(
        OnnxGraphBuilder graph, AffineCoupling module, string input, string parameters, bool inverse)
    {
        var parts = graph.Split(parameters, 2, 1, 1);
        var shift = graph.Squeeze(parts[0], 2);
        var bound = graph.Scalar((float)module.LogScaleBound);
        var logScale = graph.Mul(graph.Tanh(graph.Div(graph.Squeeze(parts[1], 2), bound)), bound);
        if (!inverse) return (graph.Add(graph.Mul(input, graph.Exp(logScale)), shift), logScale);
        var negated = graph.Neg(logScale);
        return (graph.Mul(graph.Sub(input, shift), graph.Exp(negated)), negated);
    }
}
