using Xunit;

namespace Gcl.MLNet.Tests.Native;

public sealed class ElfVersionNeedTests
{
    // The copy the build placed where TorchSharp looks first.
    private static readonly string OutputCopy =
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Fact]
    public void BuildOutputCopyIsWeakWhereTheSystemLacksTheVersion()
    {
        string? system = ElfVersionNeed.FindSystemLibStdCxx();
        Assert.NotNull(system);
        bool systemHasIt = ElfVersionNeed.DefinesVersion(File.ReadAllBytes(system!), ElfVersionNeed.GlibcxxVersion);
        ushort? flags = ElfVersionNeed.ReadFlags(File.ReadAllBytes(OutputCopy), ElfVersionNeed.GlibcxxVersion);
        Assert.NotNull(flags);
        if (!systemHasIt)
        {
            Assert.Equal(ElfVersionNeed.WeakFlag, (ushort)(flags!.Value & ElfVersionNeed.WeakFlag));
        }
    }

    [Fact]
    public void WeakeningSetsOnlyTheWeakFlagAndIsIdempotent()
    {
        byte[] original = File.ReadAllBytes(OutputCopy);
        byte[] bytes = (byte[])original.Clone();
        ushort before = ElfVersionNeed.ReadFlags(bytes, ElfVersionNeed.GlibcxxVersion)!.Value;
        if ((before & ElfVersionNeed.WeakFlag) != 0)
        {
            // Undo it on the in-memory copy to exercise the edit from the pristine state.
            Assert.True(ClearWeak(bytes));
        }

        Assert.True(ElfVersionNeed.TryWeaken(bytes, ElfVersionNeed.GlibcxxVersion, out _));
        Assert.Equal(ElfVersionNeed.WeakFlag, ElfVersionNeed.ReadFlags(bytes, ElfVersionNeed.GlibcxxVersion)!.Value & ElfVersionNeed.WeakFlag);
        Assert.False(ElfVersionNeed.TryWeaken(bytes, ElfVersionNeed.GlibcxxVersion, out string again));
        Assert.Contains("already weak", again, StringComparison.Ordinal);

        int differing = original.Zip(bytes).Count(pair => pair.First != pair.Second);
        Assert.True(differing <= 1, $"{differing} bytes changed; only the flags byte may.");
    }

    [Fact]
    public void NonElfInputIsLeftAlone()
    {
        byte[] text = System.Text.Encoding.ASCII.GetBytes(new string('x', 100));
        Assert.False(ElfVersionNeed.TryWeaken(text, ElfVersionNeed.GlibcxxVersion, out string outcome));
        Assert.Equal("not an ELF file.", outcome);
    }

    [Fact]
    public void MissingVersionIsReportedNotInvented()
    {
        byte[] bytes = File.ReadAllBytes(OutputCopy);
        Assert.Null(ElfVersionNeed.ReadFlags(bytes, "GLIBCXX_9.9.99"));
        Assert.False(ElfVersionNeed.TryWeaken(bytes, "GLIBCXX_9.9.99", out string outcome));
        Assert.Contains("no GLIBCXX_9.9.99 need entry", outcome, StringComparison.Ordinal);
    }

    private static bool ClearWeak(byte[] bytes)
    {
        int entry = ElfVersionNeed.FindAuxEntry(bytes, ElfVersionNeed.GlibcxxVersion, out _);
        if (entry < 0) return false;
        bytes[entry + ElfVersionNeed.FlagsOffset] &= unchecked((byte)~ElfVersionNeed.WeakFlag);
        return true;
    }
}
