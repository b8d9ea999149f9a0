using Gcl.MLNet.DataViews;
using Gcl.MLNet.Flows;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Ingestion;

/// <summary>
/// The estimator's first pass over the training data, in one cursor: counts rows, rejects or skips rows with NaN or
/// infinity, fits the <see cref="Standardizer"/> by streamed Welford updates over all valid rows, and keeps the
/// validation rows (chosen by <see cref="ValidationSplit"/>) in memory. Nothing else is kept.
/// </summary>
internal sealed class TrainingDataScan
{
    /// <summary>Fewest valid rows that training accepts.</summary>
    public const int MinimumRows = 10;

    /// <summary>Fewest validation rows: small data sets top up the hash split with the next-lowest draws.</summary>
    public const int MinimumValidationRows = 2;

    /// <summary>Fewest rows left for training after the split (the flow's data-dependent initialization needs two).</summary>
    public const int MinimumTrainingRows = 2;

    private readonly List<(long Row, float[] Values)> validation;

    private TrainingDataScan(Standardizer standardizer, long validRows, long skippedRows, List<(long, float[])> validationRows)
    {
        Standardizer = standardizer;
        ValidRows = validRows;
        SkippedRows = skippedRows;
        validation = validationRows;
        ValidationPositions = validationRows.Select(v => v.Item1).ToHashSet();
    }

    /// <summary>The standardizer fitted on every valid row.</summary>
    public Standardizer Standardizer { get; }

    /// <summary>Rows with finite features.</summary>
    public long ValidRows { get; }

    /// <summary>Rows left out for NaN or infinity.</summary>
    public long SkippedRows { get; }

    /// <summary>Valid rows not held out.</summary>
    public long TrainingRows => ValidRows - validation.Count;

    /// <summary>Row indices of the validation rows (training passes leave them out).</summary>
    public IReadOnlySet<long> ValidationPositions { get; }

    /// <summary>The validation rows in raw units, row-major.</summary>
    public float[] ValidationValues() => validation.SelectMany(v => v.Item2).ToArray();

    /// <summary>Number of validation rows.</summary>
    public int ValidationCount => validation.Count;

    /// <summary>Runs the pass.</summary>
    /// <exception cref="ArgumentException">A row is invalid under <see cref="InvalidRowHandling.Reject"/>, too few rows remain, or every feature is constant (no spread).</exception>
    public static TrainingDataScan Run(IDataView data, DataViewSchema.Column column, InvalidRowHandling handling, double validationFraction, long seed)
    {
        var pass = new Pass(data, column, handling, validationFraction, seed);
        using var rows = pass.ValidRows().GetEnumerator();
        if (!rows.MoveNext()) throw TooFew(column.Name, 0, pass.Skipped);
        var standardizer = Standardizer.Fit(Continue(rows));
        if (pass.Valid < MinimumRows) throw TooFew(column.Name, pass.Valid, pass.Skipped);
        if (standardizer.ConstantFeatures.Count == standardizer.Dimension) throw NoSpread(column.Name, standardizer.Dimension, pass.Valid);
        var validationRows = pass.Validation;
        var extra = new List<(double Draw, long Row, float[] Values)>();
        while (pass.Reserve.TryDequeue(out var candidate, out double negativeDraw)) extra.Add((-negativeDraw, candidate.Row, candidate.Values));
        foreach (var (_, row, values) in extra.OrderBy(e => e.Draw).Take(Math.Max(0, MinimumValidationRows - validationRows.Count)))
        {
            validationRows.Add((row, values));
        }
        long training = pass.Valid - validationRows.Count;
        if (training < MinimumTrainingRows)
        {
            throw new ArgumentException(
                $"After holding out {validationRows.Count} validation rows only {training} rows remain for training; add rows or lower EnergyModelOptions.ValidationFraction.",
                "input");
        }
        return new TrainingDataScan(standardizer, pass.Valid, pass.Skipped, validationRows);
    }

    private static IEnumerable<float[]> Continue(IEnumerator<float[]> rows)
    {
        do
        {
            yield return rows.Current;
        }
        while (rows.MoveNext());
    }

    // Every feature constant (all rows identical, or every column constant): no density can be fitted.
    private static ArgumentException NoSpread(string column, int dimension, long rows) => new(
        $"The training data have no spread: all {dimension} features of column '{column}' are constant over the {rows} rows " +
        $"(relative spread at most {Standardizer.ConstantTolerance:0e0}), so every row is the same point and no density can be fitted. " +
        "Train on data whose rows differ.", "input");

    private static ArgumentException TooFew(string column, long valid, long skipped)
    {
        string skippedPart = skipped > 0 ? $" ({skipped} rows skipped for NaN or infinity)" : "";
        return valid == 0 && skipped == 0
            ? new ArgumentException($"The training data is empty; the energy model needs at least {MinimumRows} rows in column '{column}'.", "input")
            : new ArgumentException($"The energy model needs at least {MinimumRows} rows with finite values in column '{column}'; got {valid}{skippedPart}.", "input");
    }

    /// <summary>The cursor pass, yielding each valid row (one reused array) and recording counts and the split.</summary>
    private sealed class Pass(IDataView data, DataViewSchema.Column column, InvalidRowHandling handling, double fraction, long seed)
    {
        public long Valid { get; private set; }

        public long Skipped { get; private set; }

        public List<(long Row, float[] Values)> Validation { get; } = [];

        // The training rows with the lowest draws, largest first out, for topping up a too-small split.
        public PriorityQueue<(long Row, float[] Values), double> Reserve { get; } = new();

        public IEnumerable<float[]> ValidRows()
        {
            int dimension = ((VectorDataViewType)column.Type).Size;
            using var cursor = data.GetRowCursor([column]);
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            var buffer = default(VBuffer<float>);
            var row = new float[dimension];
            while (cursor.MoveNext())
            {
                getter(ref buffer);
                int bad = FeatureRow.CopyDense(buffer, row);
                if (bad >= 0)
                {
                    if (handling == InvalidRowHandling.Reject)
                    {
                        throw new ArgumentException(FeatureRow.NonFinite(column.Name, cursor.Position, bad, row[bad]) +
                            ". Remove or impute such rows, or set EnergyModelOptions.InvalidRows to InvalidRowHandling.Skip to leave them out.", "input");
                    }
                    Skipped++;
                    continue;
                }
                Valid++;
                Split(cursor.Position, row);
                yield return row;
            }
        }

        private void Split(long position, float[] row)
        {
            double draw = ValidationSplit.Draw(seed, position);
            if (draw < fraction)
            {
                Validation.Add((position, (float[])row.Clone()));
            }
            else if (Reserve.Count < MinimumValidationRows)
            {
                Reserve.Enqueue((position, (float[])row.Clone()), -draw);
            }
            else if (Reserve.TryPeek(out _, out double largestDrawNegated) && -draw > largestDrawNegated)
            {
                Reserve.DequeueEnqueue((position, (float[])row.Clone()), -draw);
            }
        }
    }
}
