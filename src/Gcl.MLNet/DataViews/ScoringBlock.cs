using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The one batched row source behind the transformer's cursor and its row mapper: it collects up to
/// <see cref="Capacity"/> feature rows, checks each (size, finiteness), scores the valid ones in one
/// <see cref="EnergyModel.Score"/> call, and serves the output values per row; the feature contributions are
/// computed for the whole block on the first read of one (<see cref="EnergyModel.Explain"/>), so a reader that does
/// not ask for them does not pay for them. Rows with NaN or infinity either fail (with the row and feature named)
/// or, with <see cref="InvalidRowHandling.Skip"/>, get NaN outputs and PredictedLabel false. Not thread-safe: each
/// cursor or mapped row owns one.
/// </summary>
internal sealed class ScoringBlock
{
    private readonly EnergyModel model;
    private readonly string column;
    private readonly InvalidRowHandling handling;
    private readonly int dimension;
    private readonly float[] features;
    private readonly float[] energy;
    private readonly float[] logDensity;
    private readonly int[] slots;
    private float[]? contributions;
    private bool explained;
    private int validCount;

    /// <summary>Creates an empty block.</summary>
    /// <param name="model">The model that scores.</param>
    /// <param name="column">Feature column name (for messages).</param>
    /// <param name="handling">What to do with non-finite rows.</param>
    /// <param name="capacity">Rows per block, at least 1.</param>
    public ScoringBlock(EnergyModel model, string column, InvalidRowHandling handling, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        this.model = model;
        this.column = column;
        this.handling = handling;
        dimension = model.FeatureCount;
        features = new float[capacity * dimension];
        energy = new float[capacity];
        logDensity = new float[capacity];
        slots = new int[capacity];
    }

    /// <summary>Rows the block can hold.</summary>
    public int Capacity => slots.Length;

    /// <summary>Rows in the block.</summary>
    public int Count { get; private set; }

    /// <summary>Empties the block.</summary>
    public void Clear()
    {
        Count = 0;
        validCount = 0;
        explained = false;
    }

    /// <summary>Adds a row; <paramref name="position"/> is its row index, for messages.</summary>
    /// <exception cref="InvalidOperationException">The row has the wrong size, or a non-finite value under <see cref="InvalidRowHandling.Reject"/>.</exception>
    public void Add(in VBuffer<float> row, long position)
    {
        if (Count == Capacity) throw new InvalidOperationException("The scoring block is full.");
        if (row.Length != dimension)
        {
            throw new InvalidOperationException(
                $"Row {position} of column '{column}' has {row.Length} values; the model was trained on {dimension} features.");
        }
        var target = features.AsSpan(validCount * dimension, dimension);
        int bad = FeatureRow.CopyDense(row, target);
        if (bad < 0)
        {
            slots[Count++] = validCount++;
        }
        else if (handling == InvalidRowHandling.Skip)
        {
            slots[Count++] = -1;
        }
        else
        {
            throw new InvalidOperationException(FeatureRow.NonFinite(column, position, bad, target[bad]) +
                "; the model scores finite values only. Set EnergyModelOptions.InvalidRows to InvalidRowHandling.Skip " +
                "to get NaN outputs for such rows instead.");
        }
    }

    /// <summary>Scores the valid rows in one call.</summary>
    public void Score()
    {
        if (validCount == 0) return;
        model.Score(features.AsSpan(0, validCount * dimension), energy.AsSpan(0, validCount), logDensity.AsSpan(0, validCount));
    }

    /// <summary>A getter of added column <paramref name="addedIndex"/> (see <see cref="OutputColumns.Added"/>).</summary>
    /// <param name="addedIndex">0 Energy, 1 LogDensity, 2 Score, 3 PredictedLabel, 4 Probability, 5 FeatureContributions.</param>
    /// <param name="currentRow">Returns the block row to serve, scoring first if the owner needs to.</param>
    public Delegate Getter(int addedIndex, Func<int> currentRow) => addedIndex switch
    {
        0 => (ValueGetter<float>)((ref float value) => value = Energy(currentRow())),
        1 => (ValueGetter<float>)((ref float value) => value = LogDensity(currentRow())),
        2 => (ValueGetter<float>)((ref float value) => value = -LogDensity(currentRow())),
        3 => (ValueGetter<bool>)((ref bool value) => value = -LogDensity(currentRow()) > model.ScoreThreshold),
        4 => (ValueGetter<float>)((ref float value) => value = model.Probability(-LogDensity(currentRow()))),
        5 => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => Contributions(currentRow(), ref value)),
        _ => throw new ArgumentOutOfRangeException(nameof(addedIndex)),
    };

    // The row's contributions; the block's valid rows are explained together on the first call after scoring.
    private void Contributions(int row, ref VBuffer<float> value)
    {
        var editor = VBufferEditor.Create(ref value, dimension);
        if (slots[row] < 0)
        {
            editor.Values.Fill(float.NaN);
        }
        else
        {
            if (!explained)
            {
                contributions ??= new float[features.Length];
                model.Explain(features.AsSpan(0, validCount * dimension), contributions.AsSpan(0, validCount * dimension));
                explained = true;
            }
            contributions!.AsSpan(slots[row] * dimension, dimension).CopyTo(editor.Values);
        }
        value = editor.Commit();
    }

    private float Energy(int row) => slots[row] < 0 ? float.NaN : energy[slots[row]];

    private float LogDensity(int row) => slots[row] < 0 ? float.NaN : logDensity[slots[row]];
}
