using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="TiltedFlowEnergy"/>: <c>E(u) = -log q_ref(u) + c * tanh(g(u) / c)</c>, with
/// <c>log q_ref(u) = log N(z) + log|det dz/du|</c> from the reference flow's inverse direction and g the tilt MLP.
/// </summary>
internal sealed class TiltedFlowEnergyEmitter : OnnxEmitter<TiltedFlowEnergy, string>
{
    /// <inheritdoc />
    public override string Emit(OnnxGraphBuilder graph, TiltedFlowEnergy module, string input, OnnxEmitters emitters)
    {
        var toNoise = emitters.Emit<InverseFlowStep>(graph, module.Reference, input);
        var logReference = graph.Add(graph.StandardNormalLogDensity(toNoise.Output, module.Dimension), toNoise.LogAbsDet);
        var bound = graph.Scalar((float)module.TiltBound);
        var tilt = graph.Mul(graph.Tanh(graph.Div(graph.Squeeze(emitters.Emit(graph, module.Tilt, input), 1), bound)), bound);
        return graph.Sub(tilt, logReference);
    }
}
