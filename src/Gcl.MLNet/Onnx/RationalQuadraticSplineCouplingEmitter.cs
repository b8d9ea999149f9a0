using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="RationalQuadraticSplineCoupling"/> in the direction of <typeparamref name="TStep"/>: the
/// conditioner's 3K - 1 numbers per feature go to <see cref="OnnxRationalQuadraticSpline"/>, the graph form of
/// <see cref="RationalQuadraticSpline"/>.
/// </summary>
/// <typeparam name="TStep">The direction translated.</typeparam>
internal sealed class RationalQuadraticSplineCouplingEmitter<TStep> : CouplingEmitter<RationalQuadraticSplineCoupling, TStep>
    where TStep : struct, IOnnxFlowStep<TStep>
{
    /// <inheritdoc />
    protected override (string Output, string LogAbsDerivative) Transform(
        OnnxGraphBuilder graph, RationalQuadraticSplineCoupling module, string input, string parameters, bool inverse) =>
        OnnxRationalQuadraticSpline.Apply(graph, input, parameters, module.Bins, module.Bound, inverse);
}
