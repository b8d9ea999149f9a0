using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="ActNorm"/> in the direction of <typeparamref name="TStep"/>: forward <c>x = z * exp(s) + b</c>,
/// inverse <c>z = (x - b) * exp(-s)</c>, with <c>exp(±s)</c> computed in double precision at export. The log|det|
/// does not depend on the row: <c>±sum(s)</c> filled over the batch.
/// </summary>
/// <typeparam name="TStep">The direction translated.</typeparam>
internal sealed class ActNormEmitter<TStep> : OnnxEmitter<ActNorm, TStep>
    where TStep : struct, IOnnxFlowStep<TStep>
{
    /// <inheritdoc />
    public override TStep Emit(OnnxGraphBuilder graph, ActNorm module, string input, OnnxEmitters emitters)
    {
        using var scope = torch.NewDisposeScope();
        var logScale = module.LogScale.detach().to(ScalarType.Float64);
        var sign = TStep.IsInverse ? -1.0 : 1.0;
        var factor = graph.AddInitializer("actnorm_factor", logScale.Times(sign).exp());
        var shift = graph.AddInitializer("actnorm_shift", module.Shift.detach());
        var output = TStep.IsInverse
            ? graph.Mul(graph.Sub(input, shift), factor)
            : graph.Add(graph.Mul(input, factor), shift);
        var logAbsDet = graph.Fill(input, (float)(sign * logScale.sum().item<double>()));
        return TStep.Create(output, logAbsDet);
    }
}
