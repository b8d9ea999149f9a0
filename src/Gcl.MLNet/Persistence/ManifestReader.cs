using System.IO.Compression;
using System.Text.Json;

namespace Gcl.MLNet.Persistence;

/// <summary>Reads <c>manifest.json</c> from a model archive and checks everything in it that does not need the weights.</summary>
internal static class ManifestReader
{
    private const int MaximumFeatures = 1 << 20;

    /// <summary>The checked manifest.</summary>
    /// <exception cref="InvalidDataException">The manifest is missing, unreadable, of another format or version, or inconsistent.</exception>
    public static ModelManifest Read(ZipArchive zip, long maximumBytes)
    {
        var entry = zip.GetEntry(ModelArchive.ManifestEntry)
            ?? throw new InvalidDataException($"Not a Gcl.MLNet energy model: the archive has no {ModelArchive.ManifestEntry}.");
        if (entry.Length > maximumBytes) throw new InvalidDataException($"The model file's {ModelArchive.ManifestEntry} is implausibly large ({entry.Length} bytes).");
        ModelManifest? manifest;
        try
        {
            using var input = entry.Open();
            manifest = JsonSerializer.Deserialize<ModelManifest>(input, ManifestJson.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidDataException or IOException)
        {
            throw new InvalidDataException($"The model file's {ModelArchive.ManifestEntry} is not valid: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"The model file's {ModelArchive.ManifestEntry} is empty (null).");
        Check(manifest);
        return manifest;
    }

    private static void Check(ModelManifest m)
    {
        if (m.Format != ModelManifest.FormatName) throw new InvalidDataException($"Not a Gcl.MLNet energy model: the manifest names format '{m.Format}'.");
        if (m.FormatVersion > ModelManifest.CurrentVersion)
        {
            throw new InvalidDataException($"The model was saved in format version {m.FormatVersion} by Gcl.MLNet {m.LibraryVersion}; this " +
                $"library reads versions up to {ModelManifest.CurrentVersion}. Load it with a newer Gcl.MLNet.");
        }
        if (m.FormatVersion < 1) throw Invalid($"format version {m.FormatVersion} does not exist");
        if (m.FeatureCount < 1 || m.FeatureCount > MaximumFeatures) throw Invalid($"feature count {m.FeatureCount} is out of range");
        if (string.IsNullOrEmpty(m.FeatureColumn)) throw Invalid("the feature column name is empty");
        if (m.FeatureNames is { } names && names.Count != m.FeatureCount) throw Invalid($"it names {names.Count} features but has {m.FeatureCount}");
        if (m.Standardizer.Mean.Length != m.FeatureCount || m.Standardizer.Scale.Length != m.FeatureCount)
        {
            throw Invalid($"the standardizer has {m.Standardizer.Mean.Length} means and {m.Standardizer.Scale.Length} scales for {m.FeatureCount} features");
        }
        if (m.Standardizer.ConstantFeatures.Any(j => j < 0 || j >= m.FeatureCount) || m.Standardizer.ConstantFeatures.Distinct().Count() != m.Standardizer.ConstantFeatures.Length)
        {
            throw Invalid("the constant-feature indices are out of range or repeated");
        }
        if (!double.IsFinite(m.ScoreThreshold)) throw Invalid("the score threshold is not finite");
        if (!Enum.IsDefined(m.InvalidRows)) throw Invalid($"unknown invalid-row handling {m.InvalidRows}");
        m.Architecture.Validate();
    }

    private static InvalidDataException Invalid(string problem) =>
        new($"The model file's {ModelArchive.ManifestEntry} is inconsistent: {problem}.");
}
