using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// Builds <see cref="SchemaShape.Column"/> values, whose only constructor ML.NET 5 keeps internal although
/// pipelines call <c>GetOutputSchema</c> on third-party estimators before fitting. The constructor is reached by
/// reflection in this one place; a test pins it, and a clear error says what broke if a later ML.NET removes it.
/// </summary>
internal static class SchemaShapeColumns
{
    private static readonly Type[] Signature =
        [typeof(string), typeof(SchemaShape.Column.VectorKind), typeof(DataViewType), typeof(bool), typeof(SchemaShape)];

    private static readonly ConstructorInfo? Constructor =
        typeof(SchemaShape.Column).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, Signature);

    /// <summary>Whether the internal constructor was found (the pinning test checks this).</summary>
    public static bool IsAvailable => Constructor is not null;

    /// <summary>A scalar, non-key column without annotations.</summary>
    /// <param name="name">Column name.</param>
    /// <param name="itemType">Item type, e.g. <see cref="NumberDataViewType.Single"/>.</param>
    /// <exception cref="InvalidOperationException">This ML.NET version lacks the constructor.</exception>
    public static SchemaShape.Column Scalar(string name, DataViewType itemType) =>
        Create(name, SchemaShape.Column.VectorKind.Scalar, itemType, isKey: false);

    /// <summary>A column of any kind, built through the internal constructor.</summary>
    /// <exception cref="InvalidOperationException">This ML.NET version lacks the constructor.</exception>
    public static SchemaShape.Column Create(string name, SchemaShape.Column.VectorKind kind, DataViewType itemType, bool isKey)
    {
        if (Constructor is null)
        {
            throw new InvalidOperationException(
                "Gcl.MLNet cannot describe its output columns: this ML.NET version has no internal constructor " +
                "SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) (present in ML.NET 5.0.1). " +
                "Use the ML.NET version Gcl.MLNet was built against, or call Fit directly instead of GetOutputSchema.");
        }
        try
        {
            return (SchemaShape.Column)Constructor.Invoke([name, kind, itemType, isKey, null]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
