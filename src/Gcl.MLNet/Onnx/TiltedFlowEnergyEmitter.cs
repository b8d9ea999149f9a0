using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="TiltedFlowEnergy"/>: <c>E(u) = -log b(u) + c * tanh(g(u) / c)</c>, with
/// <c>log q_ref(u) = log N(z) + log|det dz/du|</c> from the reference flow's inverse direction, g the tilt MLP, and
/// <c>log b = logsumexp(log(1 - eps) + log q_ref, log eps + log T)</c> when the energy has a tail (eps &gt; 0).
/// </summary>
internal sealed class TiltedFlowEnergyEmitter : OnnxEmitter<TiltedFlowEnergy, string>
{
    /// <inheritdoc />
    public override string Emit(OnnxGraphBuilder graph, TiltedFlowEnergy module, string input, OnnxEmitters emitters)
    {
        var toNoise = emitters.Emit<InverseFlowStep>(graph, module.Reference, input);
        var logBase = graph.Add(graph.StandardNormalLogDensity(toNoise.Output, module.Dimension), toNoise.LogAbsDet);
        if (module.TailWeight > 0)
        {
            var a = graph.Add(logBase, graph.Scalar((float)Math.Log(1 - module.TailWeight)));
            var b = graph.Add(graph.StudentTLogDensity(input, module.Dimension), graph.Scalar((float)Math.Log(module.TailWeight)));
            logBase = graph.LogAddExp(a, b);
        }
        var bound = graph.Scalar((float)module.TiltBound);
        var tilt = graph.Mul(graph.Tanh(graph.Div(graph.Squeeze(emitters.Emit(graph, module.Tilt, input), 1), bound)), bound);
        return graph.Sub(tilt, logBase);
    }
}
