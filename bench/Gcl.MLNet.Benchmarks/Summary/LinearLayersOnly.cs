using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The GEMMs of a network and nothing else: each linear layer's shape run on its own [batch, in] input, no
/// activations, no other ops. Its rate bounds what the whole network can reach at that batch size on this machine.
/// </summary>
internal static class LinearLayersOnly
{
    /// <summary>Rows/s through all <paramref name="shapes"/> once each, and the GFLOP/s that is (2·in·out per row per layer).</summary>
    public static (double Rows, double Gigaflops) Rate(IReadOnlyList<(long In, long Out)> shapes, int batch)
    {
        var inputs = shapes.Select(s => randn(batch, s.In)).ToArray();
        var weights = shapes.Select(s => randn(s.Out, s.In)).ToArray();
        var biases = shapes.Select(s => randn(s.Out)).ToArray();
        try
        {
            using var noGrad = no_grad();
            double rows = Summary.Rate.PerSecond(() =>
            {
                using var scope = NewDisposeScope();
                for (int i = 0; i < shapes.Count; i++) nn.functional.linear(inputs[i], weights[i], biases[i]);
                return batch;
            });
            return (rows, rows * shapes.Sum(s => 2.0 * s.In * s.Out) / 1e9);
        }
        finally
        {
            foreach (var t in inputs.Concat(weights).Concat(biases)) t.Dispose();
        }
    }
}
