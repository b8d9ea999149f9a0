using System.Globalization;

namespace Gcl.MLNet.Common;

/// <summary>
/// The one helper behind every settings check (public options, the core's options, a loaded model's
/// architecture), so every message has one format: <c>{Owner}.{Setting} {rule}; got {value}.</c>
/// </summary>
internal static class Require
{
    /// <summary>Throws unless <paramref name="value"/> is finite and above 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting.</exception>
    public static void Positive(string owner, string name, double value)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw Invalid(owner, name, value, "must be a finite number > 0");
    }

    /// <summary>Throws unless 0 &lt; <paramref name="value"/> ≤ <paramref name="maximum"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting.</exception>
    public static void PositiveAtMost(string owner, string name, double value, double maximum)
    {
        if (!(value > 0 && value <= maximum)) throw Invalid(owner, name, value, $"must be a number in (0, {Format(maximum)}]");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and at least 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting.</exception>
    public static void NonNegative(string owner, string name, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw Invalid(owner, name, value, "must be a finite number >= 0");
    }

    /// <summary>Throws unless <paramref name="value"/> is a finite float32 value (of either sign).</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting.</exception>
    public static void FiniteSingle(string owner, string name, double value)
    {
        if (!(Math.Abs(value) <= float.MaxValue)) throw Invalid(owner, name, value, "must be a finite number within the float32 range");
    }

    /// <summary>Throws unless <paramref name="value"/> lies strictly between the two bounds.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It does not; the message names the setting.</exception>
    public static void Between(string owner, string name, double value, double lowerExclusive, double upperExclusive)
    {
        if (!(value > lowerExclusive && value < upperExclusive))
        {
            throw Invalid(owner, name, value, $"must be in ({Format(lowerExclusive)}, {Format(upperExclusive)})");
        }
    }

    /// <summary>Throws unless <paramref name="minimum"/> ≤ <paramref name="value"/> ≤ <paramref name="maximum"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting.</exception>
    public static void InRange(string owner, string name, long value, long minimum, long maximum = long.MaxValue)
    {
        if (value < minimum || value > maximum)
        {
            throw Invalid(owner, name, value, maximum == long.MaxValue ? $"must be at least {minimum}" : $"must be in [{minimum}, {maximum}]");
        }
    }

    /// <summary>Throws unless <paramref name="minimum"/> ≤ <paramref name="value"/> ≤ <paramref name="maximum"/> (so never NaN).</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting.</exception>
    public static void InRange(string owner, string name, double value, double minimum, double maximum)
    {
        if (!(value >= minimum && value <= maximum)) throw Invalid(owner, name, value, $"must be a number in [{Format(minimum)}, {Format(maximum)}]");
    }

    /// <summary>Throws unless <paramref name="value"/> is a named member of its enum.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is not; the message names the setting and the members.</exception>
    public static void Defined<TEnum>(string owner, string name, TEnum value) where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value)) throw Invalid(owner, name, value, "must be one of " + string.Join(", ", Enum.GetNames<TEnum>()));
    }

    /// <summary>The error for a setting that breaks <paramref name="rule"/>.</summary>
    public static ArgumentOutOfRangeException Invalid(string owner, string name, object? value, string rule) =>
        new(name, value, $"{owner}.{name} {rule}; got {Format(value)}.");

    private static string Format(object? value) => value switch
    {
        null => "null",
        IEnumerable<int> values => "[" + string.Join(", ", values) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "?",
    };
}
