using Microsoft.ML;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The transformer's lazy output: the input's columns and rows, plus the scores, computed block by block as a
/// cursor moves. Nothing is scored until a cursor asks for an added column.
/// </summary>
internal sealed class ScoredDataView(IDataView input, ScoringPlan plan) : IDataView
{
    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema => plan.Output;

    /// <inheritdoc />
    public long? GetRowCount() => input.GetRowCount();

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new ScoredCursor(plan, input, columnsNeeded);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
