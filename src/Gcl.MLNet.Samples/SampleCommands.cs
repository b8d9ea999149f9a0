namespace Gcl.MLNet.Samples;

/// <summary>Picks the sample command from the first argument; without one, runs the main job.</summary>
internal static class SampleCommands
{
    private const string Usage = """
        Usage: dotnet run --project src/Gcl.MLNet.Samples -- [command] [options]
          (no command) [--quick] [--out DIR]    the main job on the bundled Breast Cancer Wisconsin data
          density [--quick] [--out DIR]          fit 2-D toy densities and plot data, samples, energy and density
          anomaly --data FILE.csv --label COLUMN [--quick] [--out DIR]
                                                 anomaly detection on your own CSV, next to RandomizedPca
          export --model MODEL.zip --out DIR     write scoring.onnx and sampling.onnx from a saved model
          serve --model MODEL.zip|MODEL.onnx [--port N]
                                                 a scoring service on 127.0.0.1 (ONNX Runtime)
        Each command takes --help.
        """;

    /// <summary>Runs the command <paramref name="args"/> name; returns the process exit code.</summary>
    public static int Run(string[] args) => args switch
    {
        ["density", .. var rest] => DensityCommand.Run(rest),
        ["anomaly", .. var rest] => AnomalyCommand.Run(rest),
        ["export", .. var rest] => ExportCommand.Run(rest),
        ["serve", .. var rest] => ServeCommand.Run(rest),
        _ => CommandLine.Run(args, Usage, ["--quick"], ["--out"], line =>
            MainJob.Run(line.Value("--out") ?? "gcl-mlnet-output", SampleBudgets.Options(line.Has("--quick"), new ConsoleProgress()))),
    };
}
