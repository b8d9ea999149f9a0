using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Gcl.MLNet.Persistence;

namespace Gcl.MLNet.Tests.Persistence;

/// <summary>Rewrites model archives entry by entry, to build damaged and forged files for the tests.</summary>
internal static class ArchiveEditing
{
    /// <summary>The archive's entries by name.</summary>
    public static Dictionary<string, byte[]> Entries(byte[] archive)
    {
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var input = e.Open();
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            return buffer.ToArray();
        });
    }

    /// <summary>A zip of <paramref name="entries"/>.</summary>
    public static byte[] Zip(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var output = zip.CreateEntry(name).Open();
                output.Write(content);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>The archive with entry contents replaced by <paramref name="edit"/> (null removes the entry).</summary>
    public static byte[] Edit(byte[] archive, Func<string, byte[], byte[]?> edit) =>
        Zip(Entries(archive).Select(e => (e.Key, Content: edit(e.Key, e.Value))).Where(e => e.Content is not null)
            .Select(e => KeyValuePair.Create(e.Key, e.Content!)));

    /// <summary>
    /// The archive with its manifest JSON changed by <paramref name="edit"/> and, as a careful forger would, its
    /// <c>manifest.sha256</c> recomputed (so the checks behind the digest are what the edit meets).
    /// </summary>
    public static byte[] EditManifest(byte[] archive, Action<JsonObject> edit)
    {
        byte[]? edited = null;
        var withManifest = Edit(archive, (name, content) =>
        {
            if (name != ModelArchive.ManifestEntry) return content;
            var manifest = JsonNode.Parse(content)!.AsObject();
            edit(manifest);
            return edited = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        });
        return Edit(withManifest, (name, content) =>
            name == ModelArchive.ManifestDigestEntry && edited is not null ? Encoding.ASCII.GetBytes(EntryDigest.Of(edited).Sha256) : content);
    }

    /// <summary>Replaces an entry and records its new digest in the manifest, as a careful forger would.</summary>
    public static byte[] Forge(byte[] archive, string name, byte[] content)
    {
        var digest = EntryDigest.Of(content);
        var edited = Edit(archive, (entry, old) => entry == name ? content : old);
        return EditManifest(edited, m =>
        {
            m["entries"]![name]!["length"] = digest.Length;
            m["entries"]![name]!["sha256"] = digest.Sha256;
        });
    }
}
