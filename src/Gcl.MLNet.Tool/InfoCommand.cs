using System.CommandLine;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML;

namespace Gcl.MLNet.Tool;

/// <summary>
/// <c>gcl info</c>: what a model file holds, read from its manifest: the format, the features, the training options,
/// the training summary, log Z with its diagnostics, the anomaly threshold; then the file's integrity (every entry's
/// length and SHA-256 against the manifest) and whether the library loads it. Exit code 1 when either fails.
/// </summary>
internal static class InfoCommand
{
    private const string ManifestEntry = "manifest.json";

    public static Command Create(ToolConsole io)
    {
        var model = CommonOptions.ExistingFile("--model", "a model file from gcl train (.zip)");
        var command = new Command("info", "Describe a model file and check its integrity.") { model };
        command.SetAction(r => Run(io, r.GetValue(model)!.FullName));
        return command;
    }

    private static int Run(ToolConsole io, string path)
    {
        using var archive = Open(path);
        var manifestEntry = archive.GetEntry(ManifestEntry) ?? throw new InvalidDataException($"'{path}' has no {ManifestEntry}: it is not a model file saved by gcl train or EnergyModelTransformer.Save.");
        using var manifest = JsonDocument.Parse(Bytes(manifestEntry));
        var root = manifest.RootElement;
        io.Line($"{path}: {new FileInfo(path).Length:N0} bytes");
        foreach (string key in new[] { "format", "formatVersion", "libraryVersion", "featureColumn", "featureCount", "invalidRows", "scoreThreshold", "seed" })
        {
            if (root.TryGetProperty(key, out var value)) io.Line($"  {key}: {Text(value)}");
        }
        if (root.TryGetProperty("featureNames", out var names) && names.ValueKind == JsonValueKind.Array)
            io.Line($"  features: {string.Join(", ", names.EnumerateArray().Select(n => n.GetString()))}");
        if (root.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Object)
        {
            io.Line("options:");
            foreach (var option in options.EnumerateObject()) io.Line($"  {option.Name}: {Text(option.Value)}");
        }
        if (root.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object)
        {
            io.Line("training summary:");
            foreach (var field in summary.EnumerateObject().Where(f => f.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)))
                io.Line($"  {field.Name}: {Text(field.Value)}");
            if (summary.TryGetProperty("partition", out var partition))
            {
                io.Line("log Z (importance sampling):");
                foreach (var field in partition.EnumerateObject()) io.Line($"  {field.Name}: {Text(field.Value)}");
            }
        }

        var problems = new List<string>();
        int checkedEntries = 0;
        if (root.TryGetProperty("entries", out var entries) && entries.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in entries.EnumerateObject())
            {
                var file = archive.GetEntry(entry.Name);
                if (file is null)
                {
                    problems.Add($"{entry.Name} is missing");
                    continue;
                }
                byte[] content = Bytes(file);
                string sha = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
                long length = entry.Value.GetProperty("length").GetInt64();
                string expected = entry.Value.GetProperty("sha256").GetString() ?? string.Empty;
                if (content.LongLength != length || !string.Equals(sha, expected, StringComparison.OrdinalIgnoreCase))
                    problems.Add($"{entry.Name} does not match its SHA-256 in the manifest");
                checkedEntries++;
            }
        }
        else
        {
            problems.Add("the manifest lists no entries");
        }
        if (problems.Count > 0) throw new InvalidDataException($"'{path}' fails its integrity check: {string.Join("; ", problems)}.");
        io.Line($"integrity: ok ({checkedEntries} entries match their length and SHA-256 in the manifest)");
        using (var loaded = EnergyModelTransformer.Load(new MLContext(seed: 1), path))
            io.Line($"loads: ok ({loaded.Model.FeatureCount} features; {loaded.Model.Partition.Describe()})");
        return GclApp.Ok;
    }

    private static ZipArchive Open(string path)
    {
        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a model file (not a zip archive: {e.Message})", e);
        }
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Text)),
        _ => value.GetRawText(),
    };
}
