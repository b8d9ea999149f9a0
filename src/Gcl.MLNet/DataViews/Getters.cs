using Microsoft.ML;

namespace Gcl.MLNet.DataViews;

/// <summary>Typed access to untyped getters, with ML.NET's kind of error when the caller asks for the wrong type.</summary>
internal static class Getters
{
    /// <summary>Casts <paramref name="getter"/> to <see cref="ValueGetter{TValue}"/>.</summary>
    /// <exception cref="InvalidOperationException">The column's values are not <typeparamref name="TValue"/>.</exception>
    public static ValueGetter<TValue> As<TValue>(Delegate getter, DataViewSchema.Column column) =>
        getter as ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' holds {column.Type}, not {typeof(TValue).Name}.");

    /// <summary>Throws unless <paramref name="column"/> is active.</summary>
    /// <exception cref="InvalidOperationException">The column was not requested.</exception>
    public static void RequireActive(bool active, DataViewSchema.Column column)
    {
        if (!active) throw new InvalidOperationException($"Column '{column.Name}' is not active in this row or cursor.");
    }
}
