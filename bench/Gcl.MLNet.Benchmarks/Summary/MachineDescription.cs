using System.Runtime.InteropServices;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>What the numbers were measured on: CPU model, cores, date, runtime, and the load average (other work).</summary>
internal static class MachineDescription
{
    /// <summary>The CPU's model name from /proc/cpuinfo.</summary>
    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    /// <summary>Whether the CPU reports AVX-512 (the reference figures' machine kind).</summary>
    public static bool HasAvx512() => File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("flags", StringComparison.Ordinal) && l.Contains(" avx512f", StringComparison.Ordinal));

    /// <summary>The 1, 5 and 15-minute load averages from /proc/loadavg: above 0 means other work shared the cores.</summary>
    public static string LoadAverage() => string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>One line: CPU, cores, date, OS, .NET and TorchSharp.</summary>
    public static string Describe()
    {
        string torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?";
        return $"{CpuModel()} ({(HasAvx512() ? "AVX-512" : "no AVX-512")}), {Environment.ProcessorCount} cores; " +
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {RuntimeInformation.OSDescription}; {RuntimeInformation.FrameworkDescription}; " +
            $"TorchSharp {torchSharp} (libtorch CPU).";
    }
}
