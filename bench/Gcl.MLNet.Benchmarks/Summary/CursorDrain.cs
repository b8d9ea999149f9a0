using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>Reads every column of every row of an IDataView through one cursor, as a consumer of all columns would.</summary>
internal static class CursorDrain
{
    /// <summary>Drains <paramref name="view"/>; calls <paramref name="every"/> with the row count every <paramref name="interval"/> rows.</summary>
    /// <returns>The number of rows read.</returns>
    public static long All(IDataView view, long interval = 0, Action<long>? every = null)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        var reads = view.Schema.Select(c => Reader(cursor, c)).ToArray();
        long count = 0;
        while (cursor.MoveNext())
        {
            foreach (var read in reads) read();
            if (++count % Math.Max(interval, 1) == 0) every?.Invoke(count);
        }
        return count;
    }

    private static Action Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var vector = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> buffer = default;
            return () => vector(ref buffer);
        }
        if (column.Type is BooleanDataViewType)
        {
            var flag = cursor.GetGetter<bool>(column);
            bool value = false;
            return () => flag(ref value);
        }
        var number = cursor.GetGetter<float>(column);
        float single = 0;
        return () => number(ref single);
    }
}
