using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The part every coupling translation shares, as in <see cref="CouplingBijector"/>: slice out the conditioning
/// features (a column of ones in one dimension), run the conditioner through the registry, reshape its output to
/// <c>[N, t, parameters per feature]</c>, let the subclass map the transformed features, sum their
/// log-derivatives, and put the row back together in the layer's parity order.
/// </summary>
/// <typeparam name="TCoupling">The coupling layer type.</typeparam>
/// <typeparam name="TStep">The direction translated.</typeparam>
internal abstract class CouplingEmitter<TCoupling, TStep> : OnnxEmitter<TCoupling, TStep>
    where TCoupling : CouplingBijector
    where TStep : struct, IOnnxFlowStep<TStep>
{
    /// <inheritdoc />
    public sealed override TStep Emit(OnnxGraphBuilder graph, TCoupling module, string input, OnnxEmitters emitters)
    {
        int kept = module.ConditioningCount;
        int moved = module.TransformedCount;
        var context = kept > 0
            ? graph.Slice(input, 1, module.ConditioningOffset, module.ConditioningOffset + kept)
            : graph.Fill(input, 1f, 1);
        var parameters = graph.Reshape(emitters.Emit(graph, module.Conditioner, context), 0, moved, module.ParametersPerFeature);
        var transformed = moved == module.Dimension
            ? input
            : graph.Slice(input, 1, module.TransformedOffset, module.TransformedOffset + moved);
        var (mapped, logDerivative) = Transform(graph, module, transformed, parameters, TStep.IsInverse);
        var logAbsDet = graph.ReduceSum(logDerivative, [1]);
        if (kept == 0) return TStep.Create(mapped, logAbsDet);
        var copied = graph.Slice(input, 1, module.ConditioningOffset, module.ConditioningOffset + kept);
        var output = module.Parity == 0 ? graph.Concat(1, copied, mapped) : graph.Concat(1, mapped, copied);
        return TStep.Create(output, logAbsDet);
    }

    /// <summary>Appends the elementwise map of the transformed features and its elementwise log|derivative|.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="module">The coupling layer (for its settings).</param>
    /// <param name="input">Value name of the transformed features <c>[N, t]</c>.</param>
    /// <param name="parameters">Value name of the conditioner output <c>[N, t, parameters per feature]</c>.</param>
    /// <param name="inverse">False: noise side to data side; true: the inverse map.</param>
    /// <returns>Value names of the mapped features and of the log|derivative|, both <c>[N, t]</c>.</returns>
    protected abstract (string Output, string LogAbsDerivative) Transform(
        OnnxGraphBuilder graph, TCoupling module, string input, string parameters, bool inverse);
}
