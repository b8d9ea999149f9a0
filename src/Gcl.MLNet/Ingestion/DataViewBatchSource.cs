using Gcl.MLNet.Common;
using Gcl.MLNet.DataViews;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Gcl.MLNet.Ingestion;

/// <summary>
/// Training batches streamed from an IDataView: every epoch opens a new cursor on the feature column, leaves out the
/// validation rows and the rows with NaN or infinity, shuffles through a bounded <see cref="ShuffleBuffer"/>, and
/// standardizes each batch. Memory is bounded by the buffer, whatever the data set's size.
/// </summary>
internal sealed class DataViewBatchSource(IDataView data, DataViewSchema.Column column, Standardizer standardizer, IReadOnlySet<long> excluded,
    InvalidRowHandling invalidRows = InvalidRowHandling.Skip)
    : IBatchSource
{
    // Passes over the data so far, the training data scan being the first.
    private int passes = 1;

    /// <summary>Most rows the shuffle buffer holds.</summary>
    public const int MaximumShuffleRows = 65_536;

    /// <summary>Most values (rows times features) the shuffle buffer holds: 64 MiB of float32.</summary>
    public const int MaximumShuffleValues = 16 * 1024 * 1024;

    /// <inheritdoc />
    public int Dimension => standardizer.Dimension;

    /// <inheritdoc />
    public IEnumerable<Tensor> Epoch(int batchSize, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int pass = ++passes;
        int d = Dimension;
        // The epoch's shuffle is seeded from the trainer's generator, so the whole run follows from one seed.
        var draw = randint(0, int.MaxValue, [2], dtype: ScalarType.Int64, generator: generator).data<long>().ToArray();
        var shuffle = new ShuffleBuffer(Math.Max(batchSize, Math.Min(MaximumShuffleRows, MaximumShuffleValues / d)), d,
            new Random(unchecked((int)SplitMix.Mix((ulong)(draw[0] << 31 ^ draw[1])))));
        var batch = new float[batchSize * d];
        var row = new float[d];
        int filled = 0;
        using (var cursor = data.GetRowCursor([column]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                if (excluded.Contains(cursor.Position)) continue;
                getter(ref buffer);
                if (!IsValid(buffer, row, cursor.Position, pass)) continue;
                if (shuffle.Add(row, batch.AsSpan(filled * d, d)) && ++filled == batchSize)
                {
                    yield return Standardized(batch, filled);
                    filled = 0;
                }
            }
        }
        while (shuffle.TryTake(batch.AsSpan(filled * d, d)))
        {
            if (++filled == batchSize)
            {
                yield return Standardized(batch, filled);
                filled = 0;
            }
        }
        if (filled > 0) yield return Standardized(batch, filled);
    }

    /// <summary>
    /// Every training row once, in the data's order and raw units, row-major: what <see cref="TrainingBatches"/> holds
    /// in memory instead of streaming. Same rows as <see cref="Epoch"/>: validation rows and rows with NaN or infinity left out.
    /// </summary>
    /// <param name="expectedRows">The number of training rows the scan counted.</param>
    /// <exception cref="InvalidOperationException">The data gave other rows than the scan saw.</exception>
    public float[] ReadAll(long expectedRows)
    {
        int d = Dimension;
        var values = new float[checked(expectedRows * d)];
        long filled = 0;
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        var row = new float[d];
        int pass = ++passes;
        while (cursor.MoveNext())
        {
            if (excluded.Contains(cursor.Position)) continue;
            getter(ref buffer);
            if (!IsValid(buffer, row, cursor.Position, pass)) continue;
            if (filled == expectedRows) throw ChangedRows(expectedRows);
            row.CopyTo(values.AsSpan((int)(filled * d), d));
            filled++;
        }
        if (filled != expectedRows) throw ChangedRows(expectedRows);
        return values;
    }

    // Copies a row; false for a row with NaN or infinity, which the scan skipped (Skip) or would have rejected (Reject:
    // such a row now means the data changed between passes, and the error names it).
    private bool IsValid(in VBuffer<float> buffer, float[] row, long position, int pass)
    {
        if (buffer.Length != row.Length) return false;
        int bad = FeatureRow.CopyDense(buffer, row);
        if (bad < 0) return true;
        if (invalidRows == InvalidRowHandling.Skip) return false;
        throw new InvalidOperationException(FeatureRow.NonFinite(column.Name, position, bad, row[bad]) +
            $" in pass {pass} over the data, though the first pass read only finite values: an IDataView must give the same rows to every cursor " +
            "(cache a source that is not repeatable with AppendCacheCheckpoint).");
    }

    private InvalidOperationException ChangedRows(long expected) => new(
        $"Column '{column.Name}' gave other rows on a second pass than the {expected} valid training rows of the first: an IDataView must give the same rows to every cursor.");

    // A fresh float32 tensor [rows, d] in standardized units, owned by the caller's dispose scope.
    private Tensor Standardized(float[] batch, int rows)
    {
        using var raw = tensor(batch.AsSpan(0, rows * Dimension).ToArray(), [rows, Dimension]);
        return standardizer.Apply(raw);
    }
}
