using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Re-initializes networks from an explicit <see cref="Generator"/>, so that a flow built from a seed is the same
/// on every run without touching torch's global random state (which other threads may be using).
/// </summary>
internal static class SeededInitialization
{
    /// <summary>
    /// Draws every weight and bias of <paramref name="mlp"/> from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (torch's
    /// default for linear layers), and zeros the last layer when <paramref name="zeroLastLayer"/> is set.
    /// </summary>
    public static void Reset(Mlp mlp, Generator generator, bool zeroLastLayer)
    {
        using var _ = no_grad();
        var layers = mlp.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            var weight = layers[i].weight!;
            var bias = layers[i].bias!;
            if (zeroLastLayer && i == layers.Count - 1)
            {
                weight.zero_();
                bias.zero_();
                continue;
            }
            double bound = 1.0 / Math.Sqrt(weight.shape[1]);
            weight.uniform_(-bound, bound, generator);
            bias.uniform_(-bound, bound, generator);
        }
    }
}
