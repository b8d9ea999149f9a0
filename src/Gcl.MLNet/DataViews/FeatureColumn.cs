using Microsoft.ML;
using Microsoft.ML.Data;
using static Microsoft.ML.SchemaShape.Column;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// Checks that the feature column exists and is a vector of Single, with messages that name the column, what it
/// is, and how to fix it. One set of messages serves the estimator's schema shape and real schemas alike.
/// </summary>
internal static class FeatureColumn
{
    /// <summary>ML.NET's annotation kind for per-slot names.</summary>
    public const string SlotNamesKind = "SlotNames";

    private const string Need = "the energy model needs a known-size vector of Single (float) features";

    /// <summary>Checks the column in a schema shape (estimator, before fitting; sizes are not known there).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of the wrong type.</exception>
    public static void Check(SchemaShape schema, string name, string paramName)
    {
        int found = schema.ToList().FindLastIndex(c => c.Name == name);
        if (found < 0) throw Missing(name, paramName);
        var column = schema[found];
        if (column.IsKey) throw Wrong(name, $"a key column of {column.ItemType}", ConvertHint(name), paramName);
        if (column.Kind == VectorKind.Scalar) throw Wrong(name, $"a scalar {column.ItemType}", ConcatenateHint(name), paramName);
        if (column.ItemType != NumberDataViewType.Single)
        {
            string sizeWord = column.Kind == VectorKind.Vector ? "known-size" : "variable-size";
            throw Wrong(name, $"a {sizeWord} vector of {column.ItemType}", ConvertHint(name), paramName);
        }
        if (column.Kind == VectorKind.VariableVector) throw Wrong(name, "a vector of Single of unknown size", SizeHint, paramName);
    }

    /// <summary>Finds and checks the column in a real schema.</summary>
    /// <param name="schema">The input schema.</param>
    /// <param name="name">Feature column name.</param>
    /// <param name="paramName">Parameter to name in exceptions.</param>
    /// <param name="expectedSize">The model's feature count; null while training (any known size).</param>
    /// <returns>The column.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing, of the wrong type, or of the wrong size.</exception>
    public static DataViewSchema.Column Find(DataViewSchema schema, string name, string paramName, int? expectedSize)
    {
        var found = schema.GetColumnOrNull(name);
        if (found is not { } column) throw Missing(name, paramName);
        var type = column.Type;
        if (type is KeyDataViewType) throw Wrong(name, $"a key column ({type})", ConvertHint(name), paramName);
        if (type is not VectorDataViewType vector) throw Wrong(name, $"a scalar {type}", ConcatenateHint(name), paramName);
        if (vector.ItemType != NumberDataViewType.Single)
        {
            string sizeWord = vector.Size > 0 ? "known-size" : "variable-size";
            throw Wrong(name, $"a {sizeWord} vector of {vector.ItemType}", ConvertHint(name), paramName);
        }
        if (vector.Size == 0)
        {
            // Scoring accepts variable-size vectors (checked row by row); training needs the size up front.
            if (expectedSize is null) throw Wrong(name, "a vector of Single of unknown size", SizeHint, paramName);
            return column;
        }
        if (expectedSize is int size && vector.Size != size)
        {
            throw new ArgumentOutOfRangeException(paramName,
                $"Column '{name}' is a vector of {vector.Size} Single values; the model was trained on {size} features.");
        }
        return column;
    }

    /// <summary>The slot names of the column, when it has one per feature.</summary>
    public static IReadOnlyList<string>? SlotNames(DataViewSchema.Column column, int size)
    {
        var names = column.Annotations.Schema.GetColumnOrNull(SlotNamesKind);
        if (names is not { Type: VectorDataViewType { ItemType: TextDataViewType } type } || type.Size != size) return null;
        var values = default(VBuffer<ReadOnlyMemory<char>>);
        column.Annotations.GetValue(SlotNamesKind, ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }

    private const string SizeHint = " Give the vector a known size, for example with [VectorType(n)] on the input class.";

    private static string ConcatenateHint(string name) => $" Combine scalar columns with mlContext.Transforms.Concatenate(\"{name}\", ...).";

    private static string ConvertHint(string name) =>
        $" Convert it with mlContext.Transforms.Conversion.ConvertType(\"{name}\", outputKind: DataKind.Single).";

    private static ArgumentOutOfRangeException Missing(string name, string paramName) =>
        new(paramName, $"Column '{name}' was not found in the input; {Need}.");

    private static ArgumentOutOfRangeException Wrong(string name, string description, string hint, string paramName) =>
        new(paramName, $"Column '{name}' is {description}; {Need}.{hint}");
}
