using Gcl.MLNet.Onnx;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The same 2048 x 2048 fp32 matrix product through ONNX Runtime (one MatMul node, its MLAS kernels), for
/// comparison with <see cref="MatmulPeak"/>: libtorch's BLAS is not the only way to this machine's arithmetic.
/// </summary>
internal static class OnnxMatmulPeak
{
    /// <summary>GFLOP/s with <paramref name="threads"/> intra-op threads.</summary>
    public static double Gigaflops(int threads)
    {
        const int Size = MatmulPeak.Size;
        var random = new Random(1);
        var values = new float[Size * Size];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5);
        var graph = new OnnxGraphBuilder("matmul");
        string product = graph.Node("MatMul", [graph.AddInput("A", DataType.Float, Size), graph.AddInitializer("B", values, Size, Size)]);
        graph.AddOutput(product, "C", DataType.Float, Size);
        using var scorer = new OnnxScorer(graph.Build(), threads);
        double products = Rate.PerSecond(() => scorer.Score(values, Size) / Size, seconds: 3);
        return products * 2.0 * Size * Size * Size / 1e9;
    }
}
