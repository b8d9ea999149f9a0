using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates a whole <see cref="NormalizingFlow"/> in the direction of <typeparamref name="TStep"/>: its layers
/// through the registry (forward: in <see cref="NormalizingFlow.Layers"/> order, noise to data; inverse: in reverse
/// order, data to noise, as <see cref="NormalizingFlow.ToNoise"/>), summing their log|det|. A layer type with no
/// emitter fails the export with the registry's message naming it.
/// </summary>
/// <typeparam name="TStep">The direction translated.</typeparam>
internal sealed class NormalizingFlowEmitter<TStep> : OnnxEmitter<NormalizingFlow, TStep>
    where TStep : struct, IOnnxFlowStep<TStep>
{
    /// <inheritdoc />
    public override TStep Emit(OnnxGraphBuilder graph, NormalizingFlow module, string input, OnnxEmitters emitters)
    {
        var layers = module.Layers;
        var order = TStep.IsInverse ? layers.Reverse() : layers;
        var h = input;
        string? logAbsDet = null;
        foreach (var layer in order)
        {
            var step = emitters.Emit<TStep>(graph, layer, h);
            h = step.Output;
            logAbsDet = logAbsDet is null ? step.LogAbsDet : graph.Add(logAbsDet, step.LogAbsDet);
        }
        return TStep.Create(h, logAbsDet ?? graph.Fill(input, 0));
    }
}
