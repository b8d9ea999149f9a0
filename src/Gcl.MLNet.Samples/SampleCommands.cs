using System.CommandLine;
using System.CommandLine.Invocation;
using Gcl.MLNet.Tool;
using Spectre.Console;

namespace Gcl.MLNet.Samples;

/// <summary>
/// The samples' command line (System.CommandLine): without a command, the main job; <c>density</c> and <c>anomaly</c>;
/// <c>export</c> and <c>serve</c> run the gcl tool's commands. A wrong command line, a file that is not there or
/// a bad data file exits with 2.
/// </summary>
internal static class SampleCommands
{
    /// <summary>Runs the command <paramref name="args"/> name; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        if (args is ["export" or "serve", ..])
        {
            int code = GclApp.Run(args);
            return code == GclApp.Failure ? GclApp.Usage : code;
        }
        var quick = new Option<bool>("--quick") { Description = "a tiny training budget (CI)" };
        var output = new Option<string>("--out") { Description = "output folder (default: gcl-mlnet-output)", HelpName = "DIR" };
        var root = new RootCommand("Gcl.MLNet samples: dotnet run --project src/Gcl.MLNet.Samples -- [command] [options]. " +
            "Without a command: the main job on the bundled Breast Cancer Wisconsin data. 'export' and 'serve' are the gcl tool's commands.")
        {
            quick, output,
        };
        root.SetAction(r => MainJob.Run(r.GetValue(output) ?? "gcl-mlnet-output", SampleBudgets.Options(r.GetValue(quick), TrainingProgressBars.Lines(AnsiConsole.Console))));

        var densityQuick = new Option<bool>("--quick") { Description = "a tiny training budget and fewer rows (CI)" };
        var densityOut = new Option<string>("--out") { Description = "output folder (default: gcl-mlnet-output/density)", HelpName = "DIR" };
        var density = new Command("density", "Fit 2-D toy densities (two moons, rings, eight Gaussians) and write 600x600 PNG plots per set and density-summary.csv.")
        {
            densityQuick, densityOut,
        };
        density.SetAction(r =>
        {
            DensityCommand.Run(r.GetValue(densityOut) ?? Path.Combine("gcl-mlnet-output", "density"), r.GetValue(densityQuick));
            return 0;
        });
        root.Subcommands.Add(density);

        var data = new Option<FileInfo>("--data") { Description = "CSV with a header row; every column but the label is a numeric feature", Required = true, HelpName = "FILE" }.AcceptExistingOnly();
        var label = new Option<string>("--label") { Description = "the 0/1 or true/false column (1 = anomaly); it only grades the result", Required = true, HelpName = "COLUMN" };
        var anomalyQuick = new Option<bool>("--quick") { Description = "a tiny training budget (CI)" };
        var anomalyOut = new Option<string>("--out") { Description = "output folder for scored-rows.csv (default: gcl-mlnet-output/anomaly)", HelpName = "DIR" };
        var anomaly = new Command("anomaly", "Anomaly detection on your CSV (70/30 split), next to ML.NET's RandomizedPca.") { data, label, anomalyQuick, anomalyOut };
        anomaly.SetAction(r =>
        {
            var table = LabelledCsv.Read(r.GetValue(data)!.FullName, r.GetValue(label)!);
            AnomalyCommand.Run(table, r.GetValue(anomalyOut) ?? Path.Combine("gcl-mlnet-output", "anomaly"), r.GetValue(anomalyQuick));
            return 0;
        });
        root.Subcommands.Add(anomaly);
        root.Subcommands.Add(new Command("export", "Write scoring.onnx and sampling.onnx from a saved model (gcl export --help)."));
        root.Subcommands.Add(new Command("serve", "A scoring service on 127.0.0.1 (gcl serve --help)."));

        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            Console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see --help)");
            return 2;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is UsageException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {GclApp.OneLine(e.Message)}");
            return 2;
        }
    }
}
