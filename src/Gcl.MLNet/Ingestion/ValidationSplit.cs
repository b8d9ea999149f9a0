using Gcl.MLNet.Common;

namespace Gcl.MLNet.Ingestion;

/// <summary>
/// Decides which rows are held out for validation from a seeded hash of the row index alone, so every pass over an
/// IDataView agrees on the split without storing it for the training rows, and the same seed gives the same split.
/// </summary>
internal static class ValidationSplit
{
    /// <summary>A uniform number in [0, 1) determined by <paramref name="seed"/> and <paramref name="row"/>.</summary>
    public static double Draw(long seed, long row)
    {
        ulong mixed = SplitMix.Combine(seed, row);
        return (mixed >> 11) * (1.0 / (1UL << 53));
    }
}
