using Microsoft.ML.OnnxRuntime;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>ONNX Runtime on an exported scoring model: all graph optimizations, a fixed intra-op thread count, one batch per call.</summary>
internal sealed class OnnxScorer : IDisposable
{
    private readonly SessionOptions options;
    private readonly InferenceSession session;
    private readonly RunOptions run = new();

    /// <summary>Opens a session on <paramref name="model"/> (the bytes of the .onnx file).</summary>
    public OnnxScorer(byte[] model, int intraOpThreads)
    {
        options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        session = new InferenceSession(model, options);
    }

    /// <summary>Scores <paramref name="rows"/> (row-major, <paramref name="dimension"/> features) and returns the row count.</summary>
    public long Score(float[] rows, int dimension)
    {
        long count = rows.Length / dimension;
        using var input = OrtValue.CreateTensorValueFromMemory(rows, [count, dimension]);
        using var outputs = session.Run(run, session.InputNames, [input], session.OutputNames);
        return count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        session.Dispose();
        options.Dispose();
        run.Dispose();
    }
}
