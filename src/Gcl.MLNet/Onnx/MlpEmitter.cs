using Gcl.MLNet.Networks;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates the SiLU <see cref="Mlp"/>: its linear layers in order (through the registry's <see cref="LinearEmitter"/>)
/// with <c>x * sigmoid(x)</c> between them, as in <see cref="Mlp.forward"/>.
/// </summary>
internal sealed class MlpEmitter : OnnxEmitter<Mlp, string>
{
    /// <inheritdoc />
    public override string Emit(OnnxGraphBuilder graph, Mlp module, string input, OnnxEmitters emitters)
    {
        var layers = module.Layers;
        var h = input;
        for (int i = 0; i < layers.Count; i++)
        {
            h = emitters.Emit(graph, layers[i], h);
            if (i + 1 < layers.Count) h = graph.Silu(h);
        }
        return h;
    }
}
