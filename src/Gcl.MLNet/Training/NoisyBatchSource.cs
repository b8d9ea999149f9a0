using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Training rows with fresh Gaussian noise (standardized units) added to chosen features of every batch: noise
/// regularization of the density there (the model fits those features convolved with the noise). Given to the
/// features with repeated values, it keeps the flow from collapsing onto them (constant columns, zero-inflated and
/// near-constant ones), whose spikes would otherwise decide the ranking. Validation rows stay clean.
/// </summary>
internal sealed class NoisyBatchSource : IBatchSource
{
    private readonly IBatchSource rows;
    private readonly float[] noise;

    /// <summary>Adds noise of standard deviation <paramref name="noise"/>[j] (at least 0) to feature j of the batches of <paramref name="rows"/>.</summary>
    public NoisyBatchSource(IBatchSource rows, IReadOnlyList<double> noise)
    {
        if (noise.Count != rows.Dimension || noise.Any(s => !(s >= 0) || double.IsInfinity(s)))
        {
            throw new ArgumentException($"Expected {rows.Dimension} finite noise levels of at least 0.", nameof(noise));
        }
        this.rows = rows;
        this.noise = noise.Select(s => (float)s).ToArray();
    }

    /// <inheritdoc />
    public int Dimension => rows.Dimension;

    /// <inheritdoc />
    public IEnumerable<Tensor> Epoch(int batchSize, Generator generator)
    {
        foreach (var batch in rows.Epoch(batchSize, generator))
        {
            var scale = tensor(noise, dtype: batch.dtype);
            yield return batch.Plus(randn(batch.shape, batch.dtype, generator: generator).mul(scale));
        }
    }
}
