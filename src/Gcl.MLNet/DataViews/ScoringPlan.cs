using Microsoft.ML;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// How one input schema is scored: the checked feature column, the output schema (input columns, then the added
/// ones, FeatureContributions among them when the plan explains), and which input columns a set of output columns
/// needs. Shared by the cursor and the row mapper.
/// </summary>
internal sealed class ScoringPlan
{
    private readonly EnergyModel model;
    private readonly InvalidRowHandling handling;

    /// <summary>Checks <paramref name="input"/> and builds the plan.</summary>
    /// <param name="model">The model that scores.</param>
    /// <param name="featureColumn">The feature column's name.</param>
    /// <param name="handling">What to do with non-finite rows.</param>
    /// <param name="input">The schema scored.</param>
    /// <param name="paramName">The caller's parameter, for messages.</param>
    /// <param name="explain">Whether to add FeatureContributions.</param>
    /// <param name="featureNames">Slot names of FeatureContributions, when known.</param>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, of the wrong type or size.</exception>
    public ScoringPlan(EnergyModel model, string featureColumn, InvalidRowHandling handling, DataViewSchema input, string paramName,
        bool explain = false, IReadOnlyList<string>? featureNames = null)
    {
        this.model = model;
        this.handling = handling;
        Input = input;
        Features = FeatureColumn.Find(input, featureColumn, paramName, model.FeatureCount);
        Output = OutputColumns.Append(input, explain ? (model.FeatureCount, featureNames) : null);
    }

    /// <summary>The schema scored.</summary>
    public DataViewSchema Input { get; }

    /// <summary>Input columns followed by the added columns.</summary>
    public DataViewSchema Output { get; }

    /// <summary>The feature column in <see cref="Input"/>.</summary>
    public DataViewSchema.Column Features { get; }

    /// <summary>An empty block of <paramref name="capacity"/> rows.</summary>
    public ScoringBlock NewBlock(int capacity) => new(model, Features.Name, handling, capacity);

    /// <summary>The index among the added columns, or -1 for a pass-through column.</summary>
    public int AddedIndex(DataViewSchema.Column outputColumn) => outputColumn.Index >= Input.Count ? outputColumn.Index - Input.Count : -1;

    /// <summary>Whether any of <paramref name="outputColumns"/> needs scores.</summary>
    public bool NeedsScores(IEnumerable<DataViewSchema.Column> outputColumns) => outputColumns.Any(c => c.Index >= Input.Count);

    /// <summary>The input columns behind the pass-through columns among <paramref name="outputColumns"/>.</summary>
    public IEnumerable<DataViewSchema.Column> PassThrough(IEnumerable<DataViewSchema.Column> outputColumns) =>
        outputColumns.Where(c => c.Index < Input.Count).Select(c => Input[c.Index]).Distinct();

    /// <summary>Flags per output column: whether it is in <paramref name="outputColumns"/>.</summary>
    public bool[] ActiveFlags(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var active = new bool[Output.Count];
        foreach (var column in outputColumns) active[column.Index] = true;
        return active;
    }
}
