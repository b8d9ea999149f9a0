using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The four columns the transformer adds after the input's columns (which pass through; an input column with the
/// same name is hidden): Energy, LogDensity, Score (= -LogDensity, higher = more anomalous) and PredictedLabel.
/// </summary>
internal static class OutputColumns
{
    /// <summary>E(u), float.</summary>
    public const string Energy = "Energy";

    /// <summary>Normalized log-density in raw units, float.</summary>
    public const string LogDensity = "LogDensity";

    /// <summary>-LogDensity, float: the anomaly score.</summary>
    public const string Score = "Score";

    /// <summary>Score above the fitted threshold, bool.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>The added columns in schema order, with their types.</summary>
    public static readonly IReadOnlyList<(string Name, PrimitiveDataViewType Type)> Added =
    [
        (Energy, NumberDataViewType.Single),
        (LogDensity, NumberDataViewType.Single),
        (Score, NumberDataViewType.Single),
        (PredictedLabel, BooleanDataViewType.Instance),
    ];

    /// <summary>The input schema followed by the added columns.</summary>
    public static DataViewSchema Append(DataViewSchema input)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var (name, type) in Added) builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    /// <summary>The input shape with the added columns (replacing input columns of the same names).</summary>
    public static SchemaShape Append(SchemaShape input)
    {
        var columns = input.Where(c => !Added.Any(a => a.Name == c.Name)).ToList();
        columns.AddRange(Added.Select(a => SchemaShapeColumns.Scalar(a.Name, a.Type)));
        return new SchemaShape(columns);
    }
}
