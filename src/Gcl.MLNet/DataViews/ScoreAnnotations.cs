using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// The annotations ML.NET's anomaly detectors put on their outputs, so that ML.NET's tools read
/// these columns as they read theirs: <c>ScoreColumnKind</c>, <c>ScoreColumnSetId</c> (a key of uint, count
/// int.MaxValue, one above the largest set id in the input, shared by the columns of one scorer) and
/// <c>ScoreValueKind</c> = <c>Score</c>, <c>PredictedLabel</c> or <c>Probability</c>. ML.NET's
/// <c>AnomalyPredictionTransformer</c> scores with its binary-classifier scorer, so its score column kind is
/// <c>BinaryClassification</c>, not <c>AnomalyDetection</c>; these columns say the same, so a tool cannot tell the two
/// detectors' outputs apart. The names and values are those of ML.NET's <c>AnnotationUtils.Kinds</c> and
/// <c>AnnotationUtils.Const</c>, which ML.NET keeps internal; a test compares them with what ML.NET's RandomizedPca emits.
/// </summary>
internal static class ScoreAnnotations
{
    /// <summary>ML.NET's annotation kinds.</summary>
    public const string ScoreColumnKind = "ScoreColumnKind", ScoreValueKind = "ScoreValueKind", ScoreColumnSetId = "ScoreColumnSetId";

    /// <summary>The score column kind ML.NET's anomaly detectors write (that of its binary-classifier scorer).</summary>
    public const string Kind = "BinaryClassification";

    /// <summary>ML.NET's type of the ScoreColumnSetId annotation.</summary>
    public static readonly KeyDataViewType SetIdType = new(typeof(uint), int.MaxValue);

    /// <summary>The set id for a score set added to <paramref name="input"/>: one above the largest there.</summary>
    public static uint NextSetId(DataViewSchema input)
    {
        uint largest = 0;
        foreach (var column in input)
        {
            var annotation = column.Annotations.Schema.GetColumnOrNull(ScoreColumnSetId);
            if (annotation?.Type is not KeyDataViewType { RawType: var raw } || raw != typeof(uint)) continue;
            uint id = 0;
            column.Annotations.GetValue(ScoreColumnSetId, ref id);
            largest = Math.Max(largest, id);
        }
        return checked(largest + 1);
    }

    /// <summary>The annotations of added column <paramref name="column"/>, or null for a column ML.NET does not annotate.</summary>
    public static DataViewSchema.Annotations? For(string column, uint setId)
    {
        if (column is not (OutputColumns.Score or OutputColumns.PredictedLabel or OutputColumns.Probability)) return null;
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(ScoreColumnKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = Kind.AsMemory());
        builder.Add(ScoreColumnSetId, SetIdType, (ref uint value) => value = setId);
        builder.Add(ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = column.AsMemory());
        return builder.ToAnnotations();
    }
}
