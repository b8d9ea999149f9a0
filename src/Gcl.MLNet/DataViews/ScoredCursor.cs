using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The cursor of the transformer's output: one input cursor serves the pass-through columns, position and ids;
/// a second one reads the features a block of <see cref="BlockRows"/> rows ahead, and each block is scored in one
/// call. Both cursors see the same rows in the same order (IDataView cursors without shuffling are repeatable).
/// </summary>
internal sealed class ScoredCursor : DataViewRowCursor
{
    /// <summary>Rows scored per model call.</summary>
    public const int BlockRows = 1024;

    private readonly ScoringPlan plan;
    private readonly DataViewRowCursor rows;
    private readonly DataViewRowCursor? ahead;
    private readonly ValueGetter<VBuffer<float>>? features;
    private readonly ScoredColumns columns;
    private VBuffer<float> buffer;
    private int index = -1;

    /// <summary>Opens the input cursors the requested columns need.</summary>
    public ScoredCursor(ScoringPlan plan, IDataView input, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var needed = columnsNeeded.ToList();
        this.plan = plan;
        columns = new ScoredColumns(plan, needed, BlockRows);
        rows = input.GetRowCursor(plan.PassThrough(needed));
        if (columns.Block is not null)
        {
            ahead = input.GetRowCursor([plan.Features]);
            features = ahead.GetGetter<VBuffer<float>>(plan.Features);
        }
    }

    /// <inheritdoc />
    public override DataViewSchema Schema => plan.Output;

    /// <inheritdoc />
    public override long Position => rows.Position;

    /// <inheritdoc />
    public override long Batch => rows.Batch;

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => rows.GetIdGetter();

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column) => columns.IsActive(column);

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => columns.Getter<TValue>(column, rows, () => index);

    /// <inheritdoc />
    public override bool MoveNext()
    {
        if (!rows.MoveNext()) return false;
        if (columns.Block is { } block && ++index >= block.Count) Refill(block);
        return true;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rows.Dispose();
            ahead?.Dispose();
        }
        base.Dispose(disposing);
    }

    private void Refill(ScoringBlock block)
    {
        block.Clear();
        index = 0;
        while (block.Count < block.Capacity && ahead!.MoveNext())
        {
            features!(ref buffer);
            block.Add(buffer, ahead.Position);
        }
        if (block.Count == 0)
        {
            throw new InvalidOperationException(
                $"The input gave fewer rows for column '{plan.Features.Name}' than for its other columns; an IDataView must give the same rows to every cursor.");
        }
        block.Score();
    }
}
