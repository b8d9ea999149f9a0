using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// The JSON settings of the manifest: camelCase names, enums as names, NaN and infinities as named literals (the
/// Pareto k-hat may be infinite, progress losses NaN), and strict reading (required members and non-null
/// annotations are enforced), so a tampered manifest fails here rather than later.
/// </summary>
internal static class ManifestJson
{
    /// <summary>The settings.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };
}
