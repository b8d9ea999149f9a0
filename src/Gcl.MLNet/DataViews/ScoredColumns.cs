using Microsoft.ML;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// What <see cref="ScoredCursor"/> and <see cref="ScoredRow"/> share (one is a cursor, the other a row, so they
/// cannot share a base class): which output columns are active, the <see cref="ScoringBlock"/> behind the added
/// columns (none when no added column is requested), and the getters, which read pass-through columns from the
/// input and added columns from the block.
/// </summary>
internal sealed class ScoredColumns
{
    private readonly ScoringPlan plan;
    private readonly bool[] active;

    /// <summary>The columns <paramref name="requested"/> of <paramref name="plan"/>'s output, with a block of <paramref name="blockRows"/> rows when scores are needed.</summary>
    public ScoredColumns(ScoringPlan plan, IEnumerable<DataViewSchema.Column> requested, int blockRows)
    {
        var columns = requested.ToList();
        this.plan = plan;
        active = plan.ActiveFlags(columns);
        if (plan.NeedsScores(columns)) Block = plan.NewBlock(blockRows);
    }

    /// <summary>The block the added columns read, or null when none of them is active.</summary>
    public ScoringBlock? Block { get; }

    /// <summary>Whether <paramref name="column"/> of the output is active.</summary>
    public bool IsActive(DataViewSchema.Column column) => active[column.Index];

    /// <summary>The getter of output <paramref name="column"/>: from <paramref name="input"/>, or from block row <paramref name="blockRow"/>().</summary>
    /// <exception cref="InvalidOperationException">The column is not active, or holds another type than <typeparamref name="TValue"/>.</exception>
    public ValueGetter<TValue> Getter<TValue>(DataViewSchema.Column column, DataViewRow input, Func<int> blockRow)
    {
        Getters.RequireActive(IsActive(column), column);
        int added = plan.AddedIndex(column);
        return added < 0 ? input.GetGetter<TValue>(input.Schema[column.Index]) : Getters.As<TValue>(Block!.Getter(added, blockRow), column);
    }
}
