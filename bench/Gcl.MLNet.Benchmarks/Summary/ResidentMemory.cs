namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>The process's resident set from /proc/self/status (Linux): current (VmRSS) and peak (VmHWM), in MiB.</summary>
internal static class ResidentMemory
{
    /// <summary>Resident set size now.</summary>
    public static double CurrentMiB() => Read("VmRSS:");

    /// <summary>Highest resident set size since start or since <see cref="ResetPeak"/>.</summary>
    public static double PeakMiB() => Read("VmHWM:");

    /// <summary>Resets the peak to the current size (writing 5 to /proc/self/clear_refs, Linux 4.0+).</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    private static double Read(string key)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }
}
