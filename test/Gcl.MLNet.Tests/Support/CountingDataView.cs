using Microsoft.ML;

namespace Gcl.MLNet.Tests.Support;

/// <summary>Wraps an IDataView and counts the cursors opened on it (to show that transforms are lazy).</summary>
internal sealed class CountingDataView(IDataView inner) : IDataView
{
    private int cursors;

    public int Cursors => cursors;

    public bool CanShuffle => inner.CanShuffle;

    public DataViewSchema Schema => inner.Schema;

    public long? GetRowCount() => inner.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Interlocked.Increment(ref cursors);
        return inner.GetRowCursor(columnsNeeded, rand);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        Interlocked.Increment(ref cursors);
        return inner.GetRowCursorSet(columnsNeeded, n, rand);
    }
}
