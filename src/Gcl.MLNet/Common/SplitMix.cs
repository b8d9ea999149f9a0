namespace Gcl.MLNet.Common;

/// <summary>
/// SplitMix64's finalizer, a bijective, well-mixing 64-bit hash: it derives independent-looking seeds and draws from
/// a seed and an index (a row, a block) without any state, so every pass over the data agrees.
/// </summary>
internal static class SplitMix
{
    /// <summary>The hash of <paramref name="z"/>.</summary>
    public static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A hash determined by <paramref name="seed"/> and <paramref name="index"/> together.</summary>
    public static ulong Combine(long seed, long index) => Mix(Mix(unchecked((ulong)seed)) ^ unchecked((ulong)index));
}
