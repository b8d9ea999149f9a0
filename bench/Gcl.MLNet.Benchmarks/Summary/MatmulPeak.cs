using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The machine's limit: fp32 matrix-multiply throughput through TorchSharp (libtorch's BLAS), 2048 x 2048 times
/// 2048 x 2048, counted as 2n³ floating-point operations per product.
/// </summary>
internal static class MatmulPeak
{
    /// <summary>Side of the square matrices.</summary>
    public const int Size = 2048;

    /// <summary>GFLOP/s with <paramref name="threads"/> torch threads.</summary>
    public static double Gigaflops(int threads)
    {
        TorchRuntime.SetThreads(threads);
        using var a = randn(Size, Size);
        using var b = randn(Size, Size);
        double products = Rate.PerSecond(() =>
        {
            using var scope = NewDisposeScope();
            a.matmul(b);
            return 1;
        }, seconds: 3);
        return products * 2.0 * Size * Size * Size / 1e9;
    }
}
