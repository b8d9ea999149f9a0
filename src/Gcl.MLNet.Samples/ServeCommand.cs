using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Gcl.MLNet.Samples;

/// <summary><c>serve</c>: runs <see cref="ScoringService"/> on 127.0.0.1 until Ctrl+C.</summary>
internal static class ServeCommand
{
    private const string Usage = """
        Usage: dotnet run --project src/Gcl.MLNet.Samples -- serve --model MODEL.zip|MODEL.onnx [--port N]
          Scores JSON rows with the exported scoring ONNX model in ONNX Runtime, on 127.0.0.1 only.
          MODEL      a saved model file (its model.onnx entry) or a scoring.onnx from the export command
          --port N   port to listen on (default 5080; 0 = any free port)
          GET  /health  model input, feature count and metadata
          POST /score   {"rows": [[f1, ..., fd], ...]} (at most 10000 rows)
                        -> {"energy": [...], "logDensity": [...], "score": [...], "predictedLabel": [...]}
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run(args, Usage, [], ["--model", "--port"], line =>
    {
        string model = line.ExistingFile("--model");
        int port = line.Int("--port", 5080, 0, 65535);
        WebApplication app;
        try
        {
            app = ScoringService.StartAsync(model, port).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new UsageException($"--port {port}: {e.Message}");
        }
        var url = ScoringService.Url(app);
        Console.WriteLine($"Scoring {model} at {url} (Ctrl+C stops). Try:");
        Console.WriteLine($"  curl {url}health");
        Console.WriteLine($"  curl -H 'Content-Type: application/json' -d '{{\"rows\": [[...]]}}' {url}score");
        app.WaitForShutdownAsync().GetAwaiter().GetResult();
        return 0;
    });
}
