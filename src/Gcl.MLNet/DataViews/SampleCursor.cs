using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>The cursor of a <see cref="SampleDataView"/>: draws a block of rows when the previous one is used up.</summary>
internal sealed class SampleCursor : DataViewRowCursor
{
    private readonly SampleDataView view;
    private readonly bool[] active;
    private float[] rows = [];
    private float[] energy = [];
    private float[] logDensity = [];
    private long position = -1;
    private int index;

    /// <summary>Opens a cursor over <paramref name="view"/>.</summary>
    public SampleCursor(SampleDataView view, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        this.view = view;
        active = new bool[view.Schema.Count];
        foreach (var column in columnsNeeded) active[column.Index] = true;
    }

    /// <inheritdoc />
    public override DataViewSchema Schema => view.Schema;

    /// <inheritdoc />
    public override long Position => position;

    /// <inheritdoc />
    public override long Batch => 0;

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() =>
        (ref DataViewRowId value) => value = new DataViewRowId((ulong)position, 0);

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        Getters.RequireActive(IsColumnActive(column), column);
        int d = view.Model.FeatureCount;
        Delegate getter = column.Index switch
        {
            0 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                var editor = VBufferEditor.Create(ref value, d);
                rows.AsSpan(index * d, d).CopyTo(editor.Values);
                value = editor.Commit();
            }),
            1 => (ValueGetter<float>)((ref float value) => value = energy[index]),
            _ => (ValueGetter<float>)((ref float value) => value = logDensity[index]),
        };
        return Getters.As<TValue>(getter, column);
    }

    /// <inheritdoc />
    public override bool MoveNext()
    {
        if (position + 1 >= view.Count) return false;
        position++;
        index = (int)(position % SampleDataView.BlockRows);
        if (index == 0)
        {
            long block = position / SampleDataView.BlockRows;
            int count = (int)Math.Min(SampleDataView.BlockRows, view.Count - position);
            (rows, energy, logDensity) = view.Model.Sample(count, view.BlockSeed(block), view.Source);
        }
        return true;
    }
}
