using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>The transformer as an <see cref="IRowToRowMapper"/>: what PredictionEngine and transformer chains use.</summary>
internal sealed class ScoringRowMapper(ScoringPlan plan) : IRowToRowMapper
{
    /// <inheritdoc />
    public DataViewSchema InputSchema => plan.Input;

    /// <inheritdoc />
    public DataViewSchema OutputSchema => plan.Output;

    /// <inheritdoc />
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var requested = dependingColumns.ToList();
        var needed = plan.PassThrough(requested);
        return plan.NeedsScores(requested) ? needed.Append(plan.Features).Distinct().ToList() : needed.ToList();
    }

    /// <inheritdoc />
    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        var schema = input.Schema;
        if (schema.Count != plan.Input.Count || schema[plan.Features.Index].Name != plan.Features.Name ||
            !schema[plan.Features.Index].Type.Equals(plan.Features.Type))
        {
            throw new ArgumentException("The input row's schema is not the schema this mapper was made for.", nameof(input));
        }
        return new ScoredRow(plan, input, activeColumns);
    }
}
