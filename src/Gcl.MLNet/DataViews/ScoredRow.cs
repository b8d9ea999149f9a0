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
    private readonly ScoredColumns columns;
    private VBuffer<float> buffer;
    private long scoredPosition = -1;

    /// <summary>Wraps <paramref name="input"/>; the feature column must be active in it when scores are requested.</summary>
    public ScoredRow(ScoringPlan plan, DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        this.plan = plan;
        this.input = input;
        columns = new ScoredColumns(plan, activeColumns, 1);
        if (columns.Block is not null) features = input.GetGetter<VBuffer<float>>(input.Schema[plan.Features.Index]);
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
    public override bool IsColumnActive(DataViewSchema.Column column) => columns.IsActive(column);

    /// <inheritdoc />
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => columns.Getter<TValue>(column, input, Current);

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
            var block = columns.Block!;
            block.Clear();
            features!(ref buffer);
            block.Add(buffer, position);
            block.Score();
            scoredPosition = position;
        }
        return 0;
    }
}
