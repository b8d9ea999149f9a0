using Gcl.MLNet.Native;
using TorchSharp;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The machine's fp32 matmul limit per thread count, through TorchSharp (<see cref="MatmulPeak"/>, the reference for
/// every "% of peak") and through ONNX Runtime (<see cref="OnnxMatmulPeak"/>): the best of every measurement taken
/// so far in the run, since on a shared machine one measurement can land in a busy moment. Sections re-measure
/// before they use it; torch's thread setting is left as it was.
/// </summary>
internal sealed class MachineLimit
{
    private readonly Dictionary<int, double> torchPeak = [];
    private readonly Dictionary<int, double> onnxPeak = [];

    /// <summary>Best TorchSharp GFLOP/s seen with <paramref name="threads"/> threads.</summary>
    public double Torch(int threads) => torchPeak[threads];

    /// <summary>Best ONNX Runtime GFLOP/s seen with <paramref name="threads"/> intra-op threads.</summary>
    public double Onnx(int threads) => onnxPeak[threads];

    /// <summary>Measures the TorchSharp peak with each of <paramref name="threads"/> again (and ONNX Runtime's when asked).</summary>
    public void Observe(IEnumerable<int> threads, bool onnx = false)
    {
        int before = torch.get_num_threads();
        foreach (int t in threads)
        {
            torchPeak[t] = Math.Max(torchPeak.GetValueOrDefault(t), MatmulPeak.Gigaflops(t));
            if (onnx) onnxPeak[t] = Math.Max(onnxPeak.GetValueOrDefault(t), OnnxMatmulPeak.Gigaflops(t));
        }
        TorchRuntime.SetThreads(before);
    }
}
