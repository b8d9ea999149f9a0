using System.Globalization;
using Microsoft.ML;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>The child-process case of <see cref="LoadAtSizeBoundTests"/>: loads a model file, then prints the process's peak resident memory.</summary>
internal static class LoadPeak
{
    /// <summary>The case's name on the child's command line.</summary>
    public const string CaseName = "load-peak";

    /// <summary>Loads <paramref name="path"/> and prints "peak N MB" (VmHWM from /proc/self/status).</summary>
    public static int Run(string path)
    {
        using var model = EnergyModelTransformer.Load(new MLContext(seed: 1), path);
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        double kilobytes = double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak {kilobytes / 1024:F1} MB"));
        return 0;
    }

    /// <summary>The peak the child printed.</summary>
    public static double PeakMegabytes(string childOutput)
    {
        var line = childOutput.Split('\n').First(l => l.StartsWith("peak ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}
