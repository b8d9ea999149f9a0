namespace Gcl.MLNet.Ingestion;

/// <summary>
/// A bounded shuffle buffer over streamed rows: once full, each new row evicts a uniformly chosen buffered row, and
/// at the end the rest leave in random order. Data sets no larger than the capacity are shuffled perfectly; larger
/// ones are shuffled within windows of the capacity. The storage grows by doubling up to the capacity.
/// </summary>
internal sealed class ShuffleBuffer
{
    private readonly int capacity;
    private readonly int dimension;
    private readonly Random random;
    private float[] rows;
    private int count;

    /// <summary>Creates an empty buffer of at most <paramref name="capacity"/> rows of <paramref name="dimension"/> values.</summary>
    public ShuffleBuffer(int capacity, int dimension, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        this.capacity = capacity;
        this.dimension = dimension;
        this.random = random;
        rows = new float[Math.Min(capacity, 256) * dimension];
    }

    /// <summary>Buffers <paramref name="row"/>; when full, first moves a random buffered row to <paramref name="evicted"/>.</summary>
    /// <returns>True when a row was written to <paramref name="evicted"/>.</returns>
    public bool Add(ReadOnlySpan<float> row, Span<float> evicted)
    {
        if (count < capacity)
        {
            if ((count + 1) * dimension > rows.Length) Array.Resize(ref rows, Math.Min(capacity, 2 * count) * dimension);
            row.CopyTo(Slot(count++));
            return false;
        }
        int j = random.Next(capacity);
        Slot(j).CopyTo(evicted);
        row.CopyTo(Slot(j));
        return true;
    }

    /// <summary>Moves a random buffered row to <paramref name="destination"/>.</summary>
    /// <returns>False when the buffer is empty.</returns>
    public bool TryTake(Span<float> destination)
    {
        if (count == 0) return false;
        int j = random.Next(count);
        Slot(j).CopyTo(destination);
        Slot(--count).CopyTo(Slot(j));
        return true;
    }

    private Span<float> Slot(int index) => rows.AsSpan(index * dimension, dimension);
}
