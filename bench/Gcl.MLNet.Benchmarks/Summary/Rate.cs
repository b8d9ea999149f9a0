using System.Diagnostics;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Units per second of repeated work: one untimed warm-up call, then <c>rounds</c> rounds that each repeat the
/// work for at least <c>seconds / rounds</c>; the fastest round counts, being the least disturbed by other load
/// on a shared machine.
/// </summary>
internal static class Rate
{
    /// <summary>The best round's rate; <paramref name="work"/> returns how many units (rows, steps) it did.</summary>
    public static double PerSecond(Func<long> work, double seconds = 1.5, int rounds = 3)
    {
        work();
        double best = 0;
        for (int round = 0; round < rounds; round++)
        {
            long units = 0;
            var clock = Stopwatch.StartNew();
            do units += work();
            while (clock.Elapsed.TotalSeconds < seconds / rounds);
            best = Math.Max(best, units / clock.Elapsed.TotalSeconds);
        }
        return best;
    }
}
