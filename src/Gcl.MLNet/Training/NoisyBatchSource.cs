using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Training rows with fresh Gaussian noise <c>N(0, sigma² I)</c> (standardized units) added to every batch: noise
/// regularization of the density (the model fits the data convolved with the noise). It keeps the flow from
/// collapsing onto repeated values (constant and near-constant columns, integer-valued features), whose spikes
/// would otherwise decide the ranking, and smooths small data. Validation rows stay clean.
/// </summary>
internal sealed class NoisyBatchSource : IBatchSource
{
    private readonly IBatchSource rows;
    private readonly double noise;

    /// <summary>Adds noise of standard deviation <paramref name="noise"/> (positive) to the batches of <paramref name="rows"/>.</summary>
    public NoisyBatchSource(IBatchSource rows, double noise)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(noise);
        this.rows = rows;
        this.noise = noise;
    }

    /// <inheritdoc />
    public int Dimension => rows.Dimension;

    /// <inheritdoc />
    public IEnumerable<Tensor> Epoch(int batchSize, Generator generator)
    {
        foreach (var batch in rows.Epoch(batchSize, generator))
        {
            yield return batch.Plus(randn(batch.shape, batch.dtype, generator: generator).Times(noise));
        }
    }
}
