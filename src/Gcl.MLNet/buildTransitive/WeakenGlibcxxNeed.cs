// Build-time fix that lets TorchSharp 0.107.0 load on glibc 2.36 / GCC 12 systems (Debian 12, Ubuntu 22.04).
//
// TorchSharp's libLibTorchSharp.so is linked by GCC 13 and lists GLIBCXX_3.4.32 among the versions it needs
// from libstdc++.so.6, for one symbol (_ZSt21ios_base_library_initv) that nothing calls. Older libstdc++ builds
// lack that version, so the dynamic loader refuses the library. Marking that version-need entry weak
// (VER_FLG_WEAK in vna_flags of .gnu.version_r) turns the hard failure into nothing at all.
//
// MSBuild compiles this file with RoslynCodeTaskFactory (see Gcl.MLNet.targets); the tests compile the ELF part
// alone with GCL_ELF_ONLY defined. The task only ever rewrites copies in the build or publish output.
#nullable enable
using System;
using System.IO;
using System.Text;

#if !GCL_ELF_ONLY
/// <summary>MSBuild task: weakens the GLIBCXX_3.4.32 need of the given copies of libLibTorchSharp.so.</summary>
public sealed class WeakenGlibcxxNeed : Microsoft.Build.Utilities.Task
{
    /// <summary>The copies to fix (missing files are ignored).</summary>
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    /// <summary>"auto" (only where the system's libstdc++ lacks the version), "true" (always) or "false" (never).</summary>
    public string Mode { get; set; } = "auto";

    /// <inheritdoc />
    public override bool Execute()
    {
        if (string.Equals(Mode, "false", StringComparison.OrdinalIgnoreCase)) return true;
        if (!string.Equals(Mode, "true", StringComparison.OrdinalIgnoreCase))
        {
            string? system = ElfVersionNeed.FindSystemLibStdCxx();
            if (system == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "Gcl.MLNet: no libstdc++.so.6 found; TorchSharp native library left as is.");
                return true;
            }
            if (ElfVersionNeed.DefinesVersion(File.ReadAllBytes(system), ElfVersionNeed.GlibcxxVersion))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Gcl.MLNet: {system} defines {ElfVersionNeed.GlibcxxVersion}; no fix needed.");
                return true;
            }
        }
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            byte[] bytes = File.ReadAllBytes(path);
            if (!ElfVersionNeed.TryWeaken(bytes, ElfVersionNeed.GlibcxxVersion, out string outcome))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"Gcl.MLNet: {path}: {outcome}");
                continue;
            }
            // Write beside and move over, so a hard link into the NuGet cache is replaced, never edited.
            string temporary = path + ".gclpatch";
            File.WriteAllBytes(temporary, bytes);
            File.Delete(path);
            File.Move(temporary, path);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"Gcl.MLNet: {path}: {outcome}");
        }
        return true;
    }
}
#endif

/// <summary>Reads and edits the version-need table (.gnu.version_r) of a 64-bit little-endian ELF image.</summary>
public static class ElfVersionNeed
{
    /// <summary>The version TorchSharp 0.107.0 asks for and older libstdc++ builds lack.</summary>
    public const string GlibcxxVersion = "GLIBCXX_3.4.32";

    /// <summary>VER_FLG_WEAK: a missing version is then not an error for the dynamic loader.</summary>
    public const ushort WeakFlag = 0x2;

    /// <summary>Offset of vna_flags inside a Vernaux entry.</summary>
    public const int FlagsOffset = 4;

    private const uint SectionTypeVersionNeed = 0x6ffffffe;

    /// <summary>The libstdc++.so.6 the dynamic loader would most likely pick, or null.</summary>
    public static string? FindSystemLibStdCxx()
    {
        var directories = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty)
            .Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries);
        string[] standard = { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib" };
        foreach (var directory in Concat(directories, standard))
        {
            string candidate = Path.Combine(directory, "libstdc++.so.6");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>True when the library's string tables contain the version name (the library defines it).</summary>
    public static bool DefinesVersion(byte[] library, string versionName)
    {
        byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
        return IndexOf(library, needle) >= 0;
    }

    /// <summary>Reads the vna_flags of the need entry for <paramref name="versionName"/>, or null if absent.</summary>
    public static ushort? ReadFlags(byte[] elf, string versionName)
    {
        int offset = FindAuxEntry(elf, versionName, out _);
        return offset < 0 ? null : ReadUInt16(elf, offset + FlagsOffset);
    }

    /// <summary>Sets the weak flag on the need entry for <paramref name="versionName"/>; false if nothing changed.</summary>
    public static bool TryWeaken(byte[] elf, string versionName, out string outcome)
    {
        int offset = FindAuxEntry(elf, versionName, out outcome);
        if (offset < 0) return false;
        ushort flags = ReadUInt16(elf, offset + FlagsOffset);
        if ((flags & WeakFlag) != 0)
        {
            outcome = $"{versionName} need is already weak.";
            return false;
        }
        WriteUInt16(elf, offset + FlagsOffset, (ushort)(flags | WeakFlag));
        outcome = $"marked the {versionName} need weak so the library loads with an older libstdc++.";
        return true;
    }

    /// <summary>The file offset of the Vernaux entry naming <paramref name="versionName"/>, or -1 with the reason.</summary>
    /// <remarks>Its vna_flags field lies at offset + <see cref="FlagsOffset"/>.</remarks>
    public static int FindAuxEntry(byte[] elf, string versionName, out string outcome)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            outcome = "not an ELF file.";
            return -1;
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            outcome = "not a 64-bit little-endian ELF file.";
            return -1;
        }
        long sectionTable = (long)ReadUInt64(elf, 0x28);
        int entrySize = ReadUInt16(elf, 0x3a);
        int count = ReadUInt16(elf, 0x3c);
        for (int i = 0; i < count; i++)
        {
            int header = checked((int)(sectionTable + (long)i * entrySize));
            if (ReadUInt32(elf, header + 4) != SectionTypeVersionNeed) continue;
            int needOffset = checked((int)ReadUInt64(elf, header + 0x18));
            int linkedStrings = (int)ReadUInt32(elf, header + 0x28);
            int stringsHeader = checked((int)(sectionTable + (long)linkedStrings * entrySize));
            int strings = checked((int)ReadUInt64(elf, stringsHeader + 0x18));
            int need = needOffset;
            while (true)
            {
                int auxCount = ReadUInt16(elf, need + 2);
                int aux = need + (int)ReadUInt32(elf, need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadCString(elf, strings + (int)ReadUInt32(elf, aux + 8));
                    if (name == versionName)
                    {
                        outcome = "found.";
                        return aux;
                    }
                    aux += (int)ReadUInt32(elf, aux + 12);
                }
                uint next = ReadUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        outcome = $"no {versionName} need entry.";
        return -1;
    }

    private static string ReadCString(byte[] bytes, int offset)
    {
        int end = Array.IndexOf(bytes, (byte)0, offset);
        return Encoding.ASCII.GetString(bytes, offset, end - offset);
    }

    private static ushort ReadUInt16(byte[] b, int o) => (ushort)(b[o] | (b[o + 1] << 8));

    private static uint ReadUInt32(byte[] b, int o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));

    private static ulong ReadUInt64(byte[] b, int o) => ReadUInt32(b, o) | ((ulong)ReadUInt32(b, o + 4) << 32);

    private static void WriteUInt16(byte[] b, int o, ushort value)
    {
        b[o] = (byte)value;
        b[o + 1] = (byte)(value >> 8);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    private static System.Collections.Generic.IEnumerable<string> Concat(string[] first, string[] second)
    {
        foreach (var s in first) yield return s;
        foreach (var s in second) yield return s;
    }
}
