using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>Copies one row of features out of an ML.NET vector into a dense span, and finds non-finite values.</summary>
internal static class FeatureRow
{
    /// <summary>Copies <paramref name="source"/> (dense or sparse) into <paramref name="destination"/>.</summary>
    /// <returns>The index of the first NaN or infinite feature, or -1 when all are finite.</returns>
    public static int CopyDense(in VBuffer<float> source, Span<float> destination)
    {
        source.CopyTo(destination);
        for (int j = 0; j < destination.Length; j++)
        {
            if (!float.IsFinite(destination[j])) return j;
        }
        return -1;
    }

    /// <summary>The message for a row with a non-finite feature.</summary>
    public static string NonFinite(string column, long row, int feature, float value) =>
        $"Row {row} of column '{column}' has {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} at feature {feature}";
}
