using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The row the row mapper returns (PredictionEngine and chains): pass-through columns read the input row; the
/// added columns score the input's current row once per position, in a one-row <see cref="ScoringBlock"/>.
/// Disposing it disposes the input row, as <see cref="Microsoft.ML.Data.IRowToRowMapper.GetRow"/> requires.
/// </summary>
internal sealed class ScoredRow : DataViewRow
{
    private readonly ScoringPlan plan;
    private readonly DataViewRow input;
    private readonly ValueGetter<VBuffer<float>>? features;
    private readonly ScoringBlock? block;
    private readonly bool[] active;
    private VBuffer<float> buffer;
    private long scoredPosition = -1;

    /// <summary>Wraps <paramref name="input"/>; the feature column must be active in it when scores are requested.</summary>
    public ScoredRow(ScoringPlan plan, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var requested = activeColumns.ToList();
        this.plan = plan;
        this.input = input;
        active = plan.ActiveFlags(requested);
        if (plan.NeedsScores(requested))
        {
            features = input.GetGetter<VBuffer<float>>(input.Schema[plan.Features.Index]);
            block = plan.NewBlock(1);
        }
    }

    /// <inheritdoc />
    public override DataViewSchema Schema => plan.Output;

    /// <inheritdoc />
    public override long Position => input.Position;

    /// <inheritdoc />
    public override long Batch => input.Batch;

    /// <inheritdoc />
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    /// <inheritdoc />
    public override bool IsColumnActive(DataViewSchema.Column column) => active[column.Index];

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        Getters.RequireActive(IsColumnActive(column), column);
        int added = plan.AddedIndex(column);
        return added < 0 ? input.GetGetter<TValue>(input.Schema[column.Index]) : Getters.As<TValue>(block!.Getter(added, Current), column);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
        base.Dispose(disposing);
    }

    // Scores the input's current row unless this position was scored already; the row is block row 0.
    private int Current()
    {
        long position = input.Position;
        if (position != scoredPosition || position < 0)
        {
            block!.Clear();
            features!(ref buffer);
            block.Add(buffer, position);
            block.Score();
            scoredPosition = position;
        }
        return 0;
    }
}
