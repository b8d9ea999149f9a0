using System.Security.Cryptography;

namespace Gcl.MLNet.Persistence;

/// <summary>Length and SHA-256 of one archive entry, as the manifest records it.</summary>
/// <param name="Length">Uncompressed length in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the uncompressed bytes.</param>
internal sealed record EntryDigest(long Length, string Sha256)
{
    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static EntryDigest Of(byte[] content) => new(content.LongLength, Hex(SHA256.HashData(content)));

    /// <summary>Whether <paramref name="content"/> has this digest.</summary>
    public bool Matches(byte[] content) => content.LongLength == Length && Of(content).Sha256 == Sha256;

#if NET9_0_OR_GREATER
    private static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
#else
    private static string Hex(byte[] hash) => Convert.ToHexString(hash).ToLowerInvariant();
#endif
}
