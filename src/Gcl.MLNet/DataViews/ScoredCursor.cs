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
    private readonly ScoringBlock? block;
    private readonly bool[] active;
    private VBuffer<float> buffer;
    private int index = -1;

    /// <summary>Opens the input cursors the requested columns need.</summary>
    public ScoredCursor(ScoringPlan plan, IDataView input, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        var needed = columnsNeeded.ToList();
        this.plan = plan;
        active = plan.ActiveFlags(needed);
        rows = input.GetRowCursor(plan.PassThrough(needed));
        if (plan.NeedsScores(needed))
        {
            ahead = input.GetRowCursor([plan.Features]);
            features = ahead.GetGetter<VBuffer<float>>(plan.Features);
            block = plan.NewBlock(BlockRows);
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
    public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        Getters.RequireActive(IsColumnActive(column), column);
        int added = plan.AddedIndex(column);
        return added < 0 ? rows.GetGetter<TValue>(plan.Input[column.Index]) : Getters.As<TValue>(block!.Getter(added, () => index), column);
    }

    /// <inheritdoc />
    public override bool MoveNext()
    {
        if (!rows.MoveNext()) return false;
        if (block is not null && ++index >= block.Count) Refill();
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

    private void Refill()
    {
        block!.Clear();
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
