using System.Globalization;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary><c>load-cost [--repeats N] [--out FILE.md]</c>: the summary's load section alone (default 3 repeats, load-cost.md).</summary>
internal static class LoadCostCommand
{
    /// <summary>Runs the section with the command's arguments (after the word <c>load-cost</c>).</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var report = new MarkdownReport();
        report.Line(MachineDescription.Describe());
        LoadCostSection.Run(report, int.Parse(SummaryCommand.Option(args, "--repeats") ?? "3", CultureInfo.InvariantCulture));
        string output = SummaryCommand.Option(args, "--out") ?? "load-cost.md";
        File.WriteAllText(output, report.ToString());
        Console.WriteLine($"Written to {Path.GetFullPath(output)}");
        return 0;
    }
}
