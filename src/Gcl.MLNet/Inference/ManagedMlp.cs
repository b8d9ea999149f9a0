using Gcl.MLNet.Networks;

namespace Gcl.MLNet.Inference;

/// <summary>An <see cref="Mlp"/> (linear layers with SiLU between them) evaluated on one row in managed code.</summary>
internal sealed class ManagedMlp
{
    private readonly DenseLayer[] layers;
    private readonly int widest;

    /// <summary>Copies the weights of <paramref name="mlp"/>.</summary>
    public ManagedMlp(Mlp mlp)
    {
        layers = [.. mlp.Layers.Select(l => new DenseLayer(l))];
        widest = layers.Take(layers.Length - 1).Select(l => l.OutputSize).DefaultIfEmpty(0).Max();
    }

    /// <summary>Width of the output.</summary>
    public int OutputSize => layers[^1].OutputSize;

    /// <summary>Floats of scratch space <see cref="Forward"/> needs.</summary>
    public int ScratchLength => 2 * widest;

    /// <summary>Writes the network's output for <paramref name="input"/> to <paramref name="output"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        var current = input;
        for (int i = 0; i < layers.Length; i++)
        {
            var layer = layers[i];
            if (i == layers.Length - 1)
            {
                layer.Apply(current, output);
                return;
            }
            var hidden = scratch.Slice(i % 2 == 0 ? 0 : widest, layer.OutputSize);
            layer.Apply(current, hidden);
            for (int j = 0; j < hidden.Length; j++) hidden[j] /= 1f + MathF.Exp(-hidden[j]);   // SiLU
            current = hidden;
        }
    }
}
