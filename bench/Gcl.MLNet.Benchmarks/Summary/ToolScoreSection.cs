using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// <c>gcl score</c> on a 10M-row CSV with both engines (issue 17): runs <c>bench/gcl-score-10m.sh</c>, which builds
/// the tool, writes the file to a temporary folder, trains a model on its first rows and scores the whole file with
/// <c>--engine onnx</c> and <c>--engine library</c> under GNU time (<c>GCL_SCORE_ROWS</c> sets another row count), and tabulates the rows/s the tool reports and the
/// peak resident memory GNU time measured.
/// </summary>
internal static partial class ToolScoreSection
{
    /// <summary>Runs the script from the repository root <paramref name="repository"/> and reports its two lines.</summary>
    public static void Run(MarkdownReport report, string repository)
    {
        report.Heading($"gcl score on {Environment.GetEnvironmentVariable("GCL_SCORE_ROWS") ?? "10,000,000"} rows (both engines)");
        string script = Path.Combine(repository, "bench", "gcl-score-10m.sh");
        var run = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = run.StandardOutput.ReadToEnd();
        string errors = run.StandardError.ReadToEnd();
        run.WaitForExit();
        if (run.ExitCode != 0)
        {
            report.Line($"`{script}` failed (exit {run.ExitCode}): {errors.Trim()}");
            return;
        }
        var rows = EngineBlock().Matches(output).Select(m => (IReadOnlyList<string>)
        [
            m.Groups["engine"].Value, m.Groups["rate"].Value, $"{long.Parse(m.Groups["kb"].Value, System.Globalization.CultureInfo.InvariantCulture) / 1024.0:F0}",
            m.Groups["load"].Value,
        ]).ToList();
        report.Table(["engine", "rows/s", "peak RSS (MiB)", "load average at its start"], rows);
        report.Line($"Command: `{Path.GetRelativePath(repository, script)}` (a 10M x 10 synthetic CSV with an id column, about 930 MB, deleted afterwards).");
    }

    [GeneratedRegex(@"(?<engine>\w+) engine, load average (?<load>[^:]+):\s*\n.*?(?<rate>[\d,]+) rows/s.*?Maximum resident set size \(kbytes\): (?<kb>\d+)", RegexOptions.Singleline)]
    private static partial Regex EngineBlock();
}
