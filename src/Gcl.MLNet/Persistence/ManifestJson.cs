using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Gcl.MLNet.Training;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// The JSON settings of the manifest: camelCase names, enums as names, NaN and infinities as named literals (the
/// Pareto k-hat may be infinite, progress losses NaN), and strict reading (required members and non-null
/// annotations are enforced), so a tampered manifest fails here rather than later. The training options are
/// <see cref="EnergyModelOptions"/> itself, serialized property by property, so no setting can be forgotten.
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
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LeaveOutCallHooks } },
    };

    /// <summary>
    /// A copy of <paramref name="options"/> as a model file records it: every setting, frozen (lists copied), without
    /// the hooks that belong to one <c>Fit</c> call (progress, cancellation), and with the adversarial budget, the
    /// training noise and the kernel centers the fit used (from <paramref name="settings"/>: the entry point chooses them when the options
    /// leave them null), so the file says what was run and 0.1, whose budget is not nullable, still reads it.
    /// </summary>
    public static EnergyModelOptions Record(EnergyModelOptions options, TrainingSettings settings)
    {
        var recorded = JsonSerializer.SerializeToNode(options, Options)!;
        recorded[Name(nameof(EnergyModelOptions.AdversarialIterations))] = settings.Adversarial.Iterations;
        recorded[Name(nameof(EnergyModelOptions.TrainingNoise))] = settings.TrainingNoise;
        recorded[Name(nameof(EnergyModelOptions.KernelCenters))] = settings.KernelCenters;
        return recorded.Deserialize<EnergyModelOptions>(Options)!;
    }

    private static string Name(string property) => Options.PropertyNamingPolicy!.ConvertName(property);

    // EnergyModelOptions is serialized as it is; only its per-call hooks (progress sink, cancellation) are not settings.
    private static void LeaveOutCallHooks(JsonTypeInfo type)
    {
        if (type.Type != typeof(EnergyModelOptions)) return;
        foreach (var property in type.Properties.Where(p => IsCallHook(p.PropertyType)).ToList()) type.Properties.Remove(property);
    }

    /// <summary>Whether an options property of this type is a per-call hook rather than a setting.</summary>
    public static bool IsCallHook(Type type) =>
        type == typeof(CancellationToken) || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IProgress<>);
}
