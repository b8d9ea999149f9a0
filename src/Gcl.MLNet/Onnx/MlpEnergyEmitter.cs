using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="MlpEnergy"/>: <c>E(u) = MLP(u) + confinement * |u|² / 2</c>, the network's <c>[N, 1]</c>
/// output squeezed to <c>[N]</c>; the confinement term is left out when its weight is zero, as in the module.
/// </summary>
internal sealed class MlpEnergyEmitter : OnnxEmitter<MlpEnergy, string>
{
    /// <inheritdoc />
    public override string Emit(OnnxGraphBuilder graph, MlpEnergy module, string input, OnnxEmitters emitters)
    {
        var energy = graph.Squeeze(emitters.Emit(graph, module.Network, input), 1);
        if (module.Confinement == 0) return energy;
        var squaredNorm = graph.ReduceSum(graph.Mul(input, input), [1]);
        return graph.Add(energy, graph.Mul(squaredNorm, graph.Scalar((float)(0.5 * module.Confinement))));
    }
}
