using System.Globalization;
using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// <c>fit-time [--data DIR] [--largest ROWS] [--seeds N] [--sets a,b] [--out FILE.md]</c>: the summary's fit-time
/// section on its own; <c>--sets</c> runs only the named data sets (and the check named <c>concurrency</c>).
/// </summary>
internal static class FitTimeCommand
{
    /// <summary>Runs it with the arguments after the word <c>fit-time</c>.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string data = SummaryCommand.Option(args, "--data") ?? Path.Combine("..", "shared", "data");
        long largest = long.Parse(SummaryCommand.Option(args, "--largest") ?? "1000000", CultureInfo.InvariantCulture);
        int seeds = int.Parse(SummaryCommand.Option(args, "--seeds") ?? "3", CultureInfo.InvariantCulture);
        string output = SummaryCommand.Option(args, "--out") ?? "fit-time.md";
        var report = new MarkdownReport();
        report.Line(MachineDescription.Describe());
        var sets = SummaryCommand.Option(args, "--sets")?.Split(',').ToHashSet();
        FitTimeSection.Run(report, new MLContext(seed: 1), data, largest, seeds, sets);
        File.WriteAllText(output, report.ToString());
        Console.WriteLine(report.ToString());
        return 0;
    }
}
