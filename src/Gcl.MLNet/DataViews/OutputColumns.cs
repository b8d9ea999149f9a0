using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The columns the transformer adds after the input's columns (which pass through; an input column with the same
/// name is hidden): Energy, LogDensity, Score (= -LogDensity, higher = more anomalous), PredictedLabel, Probability
/// and, for explanations, FeatureContributions. Score, PredictedLabel and Probability carry the score annotations
/// ML.NET's own anomaly detectors put on their outputs (<see cref="ScoreAnnotations"/>).
/// </summary>
internal static class OutputColumns
{
    /// <summary>E(u), float.</summary>
    public const string Energy = "Energy";

    /// <summary>Normalized log-density in raw units, float.</summary>
    public const string LogDensity = "LogDensity";

    /// <summary>-LogDensity, float: the anomaly score.</summary>
    public const string Score = "Score";

    /// <summary>Score above the threshold, bool.</summary>
    public const string PredictedLabel = "PredictedLabel";

    /// <summary>The fraction of training rows with a lower Score, float in [0, 1].</summary>
    public const string Probability = "Probability";

    /// <summary>Per-feature contributions to Score in nats, a float vector of the feature count (explanations only).</summary>
    public const string FeatureContributions = "FeatureContributions";

    /// <summary>The scalar added columns in schema order, with their types (FeatureContributions, when present, follows them).</summary>
    public static readonly IReadOnlyList<(string Name, PrimitiveDataViewType Type)> Added =
    [
        (Energy, NumberDataViewType.Single),
        (LogDensity, NumberDataViewType.Single),
        (Score, NumberDataViewType.Single),
        (PredictedLabel, BooleanDataViewType.Instance),
        (Probability, NumberDataViewType.Single),
    ];

    /// <summary>The index of FeatureContributions among the added columns.</summary>
    public static int FeatureContributionsIndex => Added.Count;

    /// <summary>Whether <paramref name="name"/> is the name of an added column.</summary>
    public static bool IsAdded(string name) => name == FeatureContributions || Added.Any(a => a.Name == name);

    /// <summary>The input schema followed by the added columns; FeatureContributions (with slot names when known) for explanations.</summary>
    /// <param name="input">The input schema.</param>
    /// <param name="explain">Null for no FeatureContributions column; otherwise the feature count and the names, when known.</param>
    public static DataViewSchema Append(DataViewSchema input, (int Count, IReadOnlyList<string>? Names)? explain)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        uint scoreSet = ScoreAnnotations.NextSetId(input);
        foreach (var (name, type) in Added) builder.AddColumn(name, type, ScoreAnnotations.For(name, scoreSet));
        if (explain is { } features)
        {
            builder.AddColumn(FeatureContributions, new VectorDataViewType(NumberDataViewType.Single, features.Count), SlotNames(features.Names));
        }
        return builder.ToSchema();
    }

    /// <summary>The input shape with the scalar added columns (replacing input columns of the same names).</summary>
    public static SchemaShape Append(SchemaShape input)
    {
        var columns = input.Where(c => !Added.Any(a => a.Name == c.Name)).ToList();
        columns.AddRange(Added.Select(a => SchemaShapeColumns.Scalar(a.Name, a.Type)));
        return new SchemaShape(columns);
    }

    /// <summary>ML.NET's SlotNames annotation for <paramref name="names"/>, or null.</summary>
    public static DataViewSchema.Annotations? SlotNames(IReadOnlyList<string>? names)
    {
        if (names is null) return null;
        var builder = new DataViewSchema.Annotations.Builder();
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getter = (ref VBuffer<ReadOnlyMemory<char>> value) =>
            value = new VBuffer<ReadOnlyMemory<char>>(names.Count, names.Select(n => n.AsMemory()).ToArray());
        builder.Add(FeatureColumn.SlotNamesKind, new VectorDataViewType(TextDataViewType.Instance, names.Count), getter);
        return builder.ToAnnotations();
    }
}
