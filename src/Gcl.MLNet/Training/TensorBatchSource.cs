using Gcl.MLNet.Flows;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>An <see cref="IBatchSource"/> over rows already held in one tensor (tests, small in-memory data).</summary>
internal sealed class TensorBatchSource : IBatchSource, IDisposable
{
    private readonly Tensor rows;

    /// <summary>Wraps a [n, d] tensor; the source keeps its own reference.</summary>
    public TensorBatchSource(Tensor rows)
    {
        if (rows.dim() != 2 || rows.shape[0] == 0) throw new ArgumentException("Expected a non-empty [n, d] tensor.", nameof(rows));
        using var detached = rows.detach();
        this.rows = detached.clone().DetachFromDisposeScope();
    }

    /// <inheritdoc />
    public int Dimension => (int)rows.shape[1];

    /// <inheritdoc />
    public IEnumerable<Tensor> Epoch(int batchSize, Generator generator) => MiniBatches.Shuffled(rows, batchSize, generator);

    /// <inheritdoc />
    public void Dispose() => rows.Dispose();
}
