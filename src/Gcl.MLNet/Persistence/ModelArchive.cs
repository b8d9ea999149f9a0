using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Model;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// The model file: a zip with <c>manifest.json</c> (see <see cref="ModelManifest"/>), <c>manifest.sha256</c> (its
/// SHA-256), <c>energy.bin</c> and
/// <c>generator.bin</c> (TorchSharp <c>Module.save</c>), and any <see cref="ArchiveEntry"/> extras. Reading checks the
/// format name and version, every size against the feature count, and every entry's length and SHA-256, and checks
/// the weights' layout before TorchSharp sees them; any failure is an <see cref="InvalidDataException"/> that says what
/// is wrong. Loaded models score bit-identically to the saved ones.
/// </summary>
internal static class ModelArchive
{
    /// <summary>The manifest entry.</summary>
    public const string ManifestEntry = "manifest.json";

    /// <summary>The energy network's weights.</summary>
    public const string EnergyEntry = "energy.bin";

    /// <summary>The generator flow's weights.</summary>
    public const string GeneratorEntry = "generator.bin";

    /// <summary>
    /// The lower-case hex SHA-256 of <see cref="ManifestEntry"/>'s bytes (the manifest holds every other entry's
    /// digest, so together they cover every byte that affects scores). Not listed in the manifest, so readers of
    /// format version 1 that predate it ignore it.
    /// </summary>
    public const string ManifestDigestEntry = "manifest.sha256";

    /// <summary>Most bytes all entries together may expand to.</summary>
    public const long MaximumTotalBytes = 1L << 30;

    /// <summary>Largest ratio of an entry's expanded to its stored length, for entries over 1 MiB (weights and ONNX compress about 1.1x; zeros about 1000x).</summary>
    public const double MaximumCompressionRatio = 16;

    /// <summary>Extra entries (such as model.onnx) may expand to at most this many times the two weight entries, plus 16 MiB.</summary>
    public const int MaximumExtraToWeightsRatio = 4;

    private const long MaximumManifestBytes = 64L << 20;
    private const long MaximumEntryBytes = 1L << 30;
    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes <paramref name="content"/> to <paramref name="stream"/> (left open).</summary>
    /// <exception cref="ArgumentException">An extra entry's name is reserved or not a plain file name.</exception>
    public static void Write(Stream stream, ArchivedModel content)
    {
        var model = content.Model;
        using var lease = model.Enter();
        var entries = new List<ArchiveEntry> { new(EnergyEntry, Serialize(model.Energy)), new(GeneratorEntry, Serialize(model.Generator)) };
        foreach (var extra in content.Extra)
        {
            if (!IsPlainName(extra.Name) || extra.Name is ManifestEntry or ManifestDigestEntry || entries.Any(e => e.Name == extra.Name))
            {
                throw new ArgumentException($"'{extra.Name}' cannot be added to a model archive: reserved, repeated or not a plain file name.", nameof(content));
            }
            entries.Add(extra);
        }
        var standardizer = model.Standardizer;
        var manifest = new ModelManifest
        {
            Format = ModelManifest.FormatName,
            FormatVersion = model.Energy is KernelMixtureEnergy ? ModelManifest.CurrentVersion : ModelFormat.VersionWithoutKernel,
            LibraryVersion = LibraryVersion,
            FeatureColumn = content.FeatureColumn,
            FeatureCount = model.FeatureCount,
            FeatureNames = content.FeatureNames,
            InvalidRows = content.InvalidRows,
            Standardizer = new SavedStandardizer(standardizer.Mean, standardizer.Scale, standardizer.ConstantFeatures.ToArray()),
            Architecture = ModelArchitecture.Of(model),
            Options = content.Options,
            ScoreThreshold = model.ScoreThreshold,
            ScoreQuantiles = model.TrainingScores is { } scores ? new SavedScoreQuantiles([.. scores.Probabilities], [.. scores.Scores]) : null,
            Seed = model.Summary.Seed,
            Summary = model.Summary,
            Entries = entries.ToDictionary(e => e.Name, e => EntryDigest.Of(e.Content)),
        };
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson.Options);
        WriteEntry(zip, ManifestEntry, manifestBytes);
        WriteEntry(zip, ManifestDigestEntry, Encoding.ASCII.GetBytes(EntryDigest.Of(manifestBytes).Sha256));
        foreach (var entry in entries) WriteEntry(zip, entry.Name, entry.Content);
    }

    /// <summary>Reads and verifies an archive from <paramref name="stream"/> (left open).</summary>
    /// <exception cref="InvalidDataException">The stream is not a valid model archive of a version this library reads.</exception>
    public static ArchivedModel Read(Stream stream)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (IsZipError(e))
        {
            throw new InvalidDataException($"Not a Gcl.MLNet energy model: the file is not a readable zip archive, it may be truncated or of another format ({e.Message})", e);
        }
        using (zip)
        {
            try
            {
                return Read(zip);
            }
            catch (Exception e) when (e is not InvalidDataException && IsZipError(e))
            {
                throw new InvalidDataException($"The model file is damaged: its zip structure cannot be read ({e.Message})", e);
            }
        }
    }

    private static ArchivedModel Read(ZipArchive zip)
    {
        var manifest = ManifestReader.Read(zip, MaximumManifestBytes);
        foreach (var required in new[] { EnergyEntry, GeneratorEntry })
        {
            if (!manifest.Entries.ContainsKey(required)) throw new InvalidDataException($"The model file's manifest does not list {required}.");
        }
        CheckSizes(zip, manifest);
        var contents = manifest.Entries.ToDictionary(e => e.Key, e => ReadVerified(zip, e.Key, e.Value));
        Standardizer standardizer;
        try
        {
            var saved = manifest.Standardizer;
            standardizer = new Standardizer(saved.Mean, saved.Scale, saved.ConstantFeatures);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The model file's standardizer is invalid: {e.Message}", e);
        }
        var model = Rebuild(manifest, standardizer, contents[EnergyEntry], contents[GeneratorEntry]);
        var extra = contents.Where(c => c.Key is not EnergyEntry and not GeneratorEntry).Select(c => new ArchiveEntry(c.Key, c.Value)).ToList();
        return new ArchivedModel(model, manifest.FeatureColumn, manifest.FeatureNames, manifest.InvalidRows, manifest.Options, extra);
    }

    // Every size is checked against the archive's own lengths before a byte of payload is read or a module built:
    // each listed entry exists with the listed length, expands by a plausible ratio, the total is capped, extras stay
    // within a multiple of the weights, and the weights are long enough for the architecture the manifest declares.
    private static void CheckSizes(ZipArchive zip, ModelManifest manifest)
    {
        long total = 0, weights = 0, extras = 0;
        foreach (var (name, digest) in manifest.Entries)
        {
            if (!IsPlainName(name) || name == ManifestEntry || name == ManifestDigestEntry) throw new InvalidDataException($"The model file's manifest lists an invalid entry name '{name}'.");
            var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"The model file lacks {name}, which its manifest lists.");
            if (digest.Length < 0 || digest.Length > MaximumEntryBytes || entry.Length != digest.Length)
            {
                throw new InvalidDataException($"The model file's {name} has {entry.Length} bytes; its manifest says {digest.Length} (the file was modified or damaged).");
            }
            if (entry.Length > 1 << 20 && entry.Length > MaximumCompressionRatio * Math.Max(entry.CompressedLength, 1))
            {
                throw new InvalidDataException($"The model file's {name} expands {entry.CompressedLength} stored bytes to {entry.Length}, more than a model's entries ever do ({MaximumCompressionRatio}x).");
            }
            total += entry.Length;
            if (name is EnergyEntry or GeneratorEntry) weights += entry.Length;
            else extras += entry.Length;
        }
        if (total > MaximumTotalBytes) throw new InvalidDataException($"The model file's entries expand to {total} bytes, more than the {MaximumTotalBytes} this library loads.");
        if (extras > MaximumExtraToWeightsRatio * weights + (16L << 20))
        {
            throw new InvalidDataException($"The model file's extra entries hold {extras} bytes, more than {MaximumExtraToWeightsRatio} times its {weights} bytes of weights plus 16 MiB.");
        }
        var (energy, generator) = manifest.Architecture.WeightBytes(manifest.FeatureCount);
        if (energy + generator > ModelSizeBounds.MaxWeightBytes)
        {
            throw new InvalidDataException($"The model file's manifest declares a {manifest.FeatureCount}-feature architecture of {energy + generator} bytes of weights, " +
                $"more than the {ModelSizeBounds.MaxWeightBytes} any model may hold.");
        }
        if (manifest.Entries[EnergyEntry].Length < energy || manifest.Entries[GeneratorEntry].Length < generator)
        {
            throw new InvalidDataException($"The model file's weights ({manifest.Entries[EnergyEntry].Length} and {manifest.Entries[GeneratorEntry].Length} bytes) " +
                $"are too short for the {manifest.FeatureCount}-feature architecture its manifest declares (at least {energy} and {generator} bytes).");
        }
    }

    // What .NET's zip reader and inflater throw on damaged archives (besides InvalidDataException).
    private static bool IsZipError(Exception e) =>
        e is InvalidDataException or IOException or NotSupportedException or ArgumentException or IndexOutOfRangeException or OverflowException;

    /// <summary>The version string written into manifests.</summary>
    public static string LibraryVersion { get; } =
        typeof(ModelArchive).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Whether <paramref name="name"/> is a plain file name (no folders, no dot segments).</summary>
    public static bool IsPlainName(string name) =>
        !string.IsNullOrEmpty(name) && name.IndexOfAny(['/', '\\', ':']) < 0 && name != "." && name != ".." && name.Trim() == name;

    // Modules are built outside any dispose scope (their parameters must live with the model).
    private static EnergyModel Rebuild(ModelManifest manifest, Standardizer standardizer, byte[] energyBytes, byte[] generatorBytes)
    {
        var (energy, generator) = manifest.Architecture.Build(manifest.FeatureCount);
        try
        {
            TorchStateLayout.Check(energyBytes, energy, EnergyEntry);
            TorchStateLayout.Check(generatorBytes, generator, GeneratorEntry);
            energy.load(new MemoryStream(energyBytes, writable: false));
            generator.load(new MemoryStream(generatorBytes, writable: false));
            return new EnergyModel(standardizer, energy, generator, manifest.ScoreThreshold, ManifestReader.ScoreQuantiles(manifest), manifest.Summary);
        }
        // What TorchSharp's loader throws on state it cannot read (NotImplementedException: an element type it does not handle).
        catch (Exception e) when (e is ArgumentException or NotImplementedException)
        {
            energy.Dispose();
            generator.Dispose();
            throw new InvalidDataException($"The model file's weights do not load: {e.Message}", e);
        }
        catch
        {
            energy.Dispose();
            generator.Dispose();
            throw;
        }
    }

    private static byte[] ReadVerified(ZipArchive zip, string name, EntryDigest digest)
    {
        if (!IsPlainName(name) || name == ManifestEntry) throw new InvalidDataException($"The model file's manifest lists an invalid entry name '{name}'.");
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"The model file lacks {name}, which its manifest lists.");
        if (digest.Length < 0 || digest.Length > MaximumEntryBytes || entry.Length != digest.Length)
        {
            throw new InvalidDataException($"The model file's {name} has {entry.Length} bytes; its manifest says {digest.Length} (the file was modified or damaged).");
        }
        var content = new byte[digest.Length];
        bool longer;
        try
        {
            using var input = entry.Open();
            input.ReadExactly(content);
            longer = input.ReadByte() >= 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new InvalidDataException($"The model file's {name} cannot be read (truncated or damaged): {e.Message}", e);
        }
        if (longer || !digest.Matches(content))
        {
            throw new InvalidDataException($"The model file's {name} does not match its SHA-256 in the manifest (the file was modified or damaged).");
        }
        return content;
    }

    private static byte[] Serialize(nn.Module module)
    {
        using var buffer = new MemoryStream();
        module.save(buffer);
        return buffer.ToArray();
    }

    private static void WriteEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTime;
        using var output = entry.Open();
        output.Write(content);
    }
}
