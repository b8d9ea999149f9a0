namespace Gcl.MLNet.MLNet;

/// <summary>
/// Decides which rows are held out for validation from a seeded hash of the row index alone, so every pass over an
/// IDataView agrees on the split without storing it for the training rows, and the same seed gives the same split.
/// </summary>
internal static class ValidationSplit
{
    /// <summary>A uniform number in [0, 1) determined by <paramref name="seed"/> and <paramref name="row"/>.</summary>
    public static double Draw(long seed, long row)
    {
        ulong mixed = Mix(Mix(unchecked((ulong)seed)) ^ unchecked((ulong)row));
        return (mixed >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>SplitMix64's finalizer: a bijective, well-mixing 64-bit hash.</summary>
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
}
