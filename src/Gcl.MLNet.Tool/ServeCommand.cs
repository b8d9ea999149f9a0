using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Gcl.MLNet.Tool;

/// <summary><c>gcl serve</c>: runs <see cref="ScoringService"/> until Ctrl+C, on 127.0.0.1 unless <c>--urls</c> says otherwise.</summary>
internal static class ServeCommand
{
    public static Command Create(ToolConsole io)
    {
        var model = CommonOptions.ExistingFile("--model", "a model file (its model.onnx entry) or a scoring.onnx from gcl export");
        var port = new Option<int>("--port") { Description = "port on 127.0.0.1 (0 = any free port)", DefaultValueFactory = _ => 5080, HelpName = "N" };
        var urls = new Option<string?>("--urls") { Description = "listen on these URLs instead (such as http://0.0.0.0:5080; ';'-separated): reachable beyond this machine", HelpName = "URLS" };
        port.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value is < 0 or > 65535) result.AddError($"--port must be from 0 to 65535, not {value}.");
        });
        var command = new Command("serve", "Serve a model's scoring ONNX over HTTP: GET /health, POST /score {\"rows\": [[...], ...]}.") { model, port, urls };
        command.SetAction(r =>
        {
            if (r.GetResult(port) is { Implicit: false } && r.GetValue(urls) is not null) throw new UsageException("give --port or --urls, not both.");
            WebApplication app;
            try
            {
                app = ScoringService.StartAsync(r.GetValue(model)!.FullName, r.GetValue(port), r.GetValue(urls)).GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new UsageException($"cannot listen there: {e.Message}");
            }
            var url = ScoringService.Url(app);
            io.Line($"Scoring {r.GetValue(model)!.Name} at {string.Join(", ", app.Urls)} (Ctrl+C stops). Try:");
            io.Line($"  curl {url}health");
            io.Line($"  curl -H 'Content-Type: application/json' -d '{{\"rows\": [[...]]}}' {url}score");
            app.WaitForShutdownAsync().GetAwaiter().GetResult();
            return GclApp.Ok;
        });
        return command;
    }
}
