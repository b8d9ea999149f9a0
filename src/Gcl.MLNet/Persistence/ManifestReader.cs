using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gcl.MLNet.Training;

namespace Gcl.MLNet.Persistence;

/// <summary>Reads <c>manifest.json</c> from a model archive and checks everything in it that does not need the weights.</summary>
internal static class ManifestReader
{
    private const int MaximumFeatures = 1 << 20;

    /// <summary>
    /// The checked manifest. When the archive has <see cref="ModelArchive.ManifestDigestEntry"/> (every file this
    /// version writes), the manifest's bytes must have the SHA-256 it holds; files written before it existed load
    /// without that check.
    /// </summary>
    /// <exception cref="InvalidDataException">The manifest is missing, unreadable, altered, of another format or version, or inconsistent.</exception>
    public static ModelManifest Read(ZipArchive zip, long maximumBytes)
    {
        var entry = zip.GetEntry(ModelArchive.ManifestEntry)
            ?? throw new InvalidDataException($"Not a Gcl.MLNet energy model: the archive has no {ModelArchive.ManifestEntry}.");
        var bytes = ReadSmall(entry, maximumBytes);
        if (zip.GetEntry(ModelArchive.ManifestDigestEntry) is { } digestEntry)
        {
            string recorded = Encoding.ASCII.GetString(ReadSmall(digestEntry, 256)).Trim();
            if (recorded != EntryDigest.Of(bytes).Sha256)
            {
                throw new InvalidDataException($"The model file's {ModelArchive.ManifestEntry} does not match its SHA-256 in {ModelArchive.ManifestDigestEntry} (the file was modified or damaged).");
            }
        }
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(bytes, ManifestJson.Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidDataException or IOException or InvalidOperationException)
        {
            throw new InvalidDataException($"The model file's {ModelArchive.ManifestEntry} is not valid: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"The model file's {ModelArchive.ManifestEntry} is empty (null).");
        Check(manifest);
        return manifest;
    }

    private static byte[] ReadSmall(ZipArchiveEntry entry, long maximumBytes)
    {
        if (entry.Length > maximumBytes || entry.Length < 0)
        {
            throw new InvalidDataException($"The model file's {entry.FullName} is implausibly large ({entry.Length} bytes).");
        }
        var bytes = new byte[entry.Length];
        using var input = entry.Open();
        input.ReadExactly(bytes);
        if (input.ReadByte() >= 0) throw new InvalidDataException($"The model file's {entry.FullName} is longer than its zip header says.");
        return bytes;
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
        CheckStandardizer(m.Standardizer);
        if (!(Math.Abs(m.ScoreThreshold) <= float.MaxValue)) throw Invalid($"the score threshold {m.ScoreThreshold} is not a finite float32 value");
        ScoreQuantiles(m);
        double logZ = m.Summary.Partition.LogZ;
        if (!(Math.Abs(logZ) <= MaximumAbsLogZ)) throw Invalid($"log Z {logZ} is not finite or beyond ±{MaximumAbsLogZ:0e0}");
        if (!Enum.IsDefined(m.InvalidRows)) throw Invalid($"unknown invalid-row handling {m.InvalidRows}");
        m.Architecture.Validate();
    }

    /// <summary>The manifest's training-score quantiles, checked; null when the file predates them.</summary>
    /// <exception cref="InvalidDataException">They are inconsistent.</exception>
    public static TrainingScores? ScoreQuantiles(ModelManifest m)
    {
        if (m.ScoreQuantiles is not { } saved) return null;
        try
        {
            return new TrainingScores(saved.Probabilities, saved.Scores);
        }
        catch (ArgumentException e)
        {
            throw Invalid($"the training-score quantiles are invalid ({e.Message})");
        }
    }

    /// <summary>Largest |log Z| a model may record: far beyond any fitted model, far below what float32 outputs would lose.</summary>
    public const double MaximumAbsLogZ = 1e7;

    /// <summary>Plausible range of a standardizer scale: what a float32 feature's spread can be, with room to spare.</summary>
    public const double MinimumScale = 1e-30, MaximumScale = 1e30;

    // Means finite in float32 (the graph and the managed path use them so), scales positive within the plausible range.
    private static void CheckStandardizer(SavedStandardizer standardizer)
    {
        for (int j = 0; j < standardizer.Mean.Length; j++)
        {
            if (!(Math.Abs(standardizer.Mean[j]) <= float.MaxValue)) throw Invalid($"the mean of feature {j} ({standardizer.Mean[j]}) is not a finite float32 value");
            double scale = standardizer.Scale[j];
            if (!(scale >= MinimumScale && scale <= MaximumScale))
            {
                throw Invalid($"the scale of feature {j} ({scale}) is outside [{MinimumScale:0e0}, {MaximumScale:0e0}]");
            }
        }
    }

    private static InvalidDataException Invalid(string problem) =>
        new($"The model file's {ModelArchive.ManifestEntry} is inconsistent: {problem}.");
}
