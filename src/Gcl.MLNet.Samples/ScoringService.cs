using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gcl.MLNet.Samples;

/// <summary>
/// A minimal ASP.NET Core scoring service on 127.0.0.1 that runs the exported ONNX model with ONNX Runtime:
/// <c>GET /health</c> describes the model; <c>POST /score</c> takes <c>{"rows": [[f1, ..., fd], ...]}</c> (at most
/// <see cref="MaxRows"/>) and answers <c>{"energy": [...], "logDensity": [...], "score": [...], "predictedLabel": [...]}</c>,
/// all rows in one batch. Bad input gets HTTP 400 (413 for too many rows) with <c>{"error": "..."}</c>.
/// </summary>
internal static class ScoringService
{
    /// <summary>Rows one request may hold.</summary>
    public const int MaxRows = 10_000;

    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    // A row far outside the data can score -Infinity in float32; such values are written as JSON strings.
    private static readonly JsonSerializerOptions ResponseJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Starts the service for <paramref name="modelPath"/> (.onnx or model .zip) on 127.0.0.1:<paramref name="port"/> (0: any free port).</summary>
    /// <returns>The running app; <c>Url(app)</c> is its address. Stop it with <c>StopAsync</c>.</returns>
    /// <exception cref="InvalidDataException">The file holds no scoring model.</exception>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<WebApplication> StartAsync(string modelPath, int port)
    {
        var scorer = OnnxScorer.Open(modelPath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(scorer.Dispose);

        app.MapGet("/health", () => Results.Json(new
        {
            status = "ok",
            input = scorer.InputName,
            featureCount = scorer.FeatureCount,
            maxRows = MaxRows,
            metadata = scorer.Metadata,
        }));
        app.MapPost("/score", async (HttpRequest request) =>
        {
            ScoreRequest? body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<ScoreRequest>(request.Body, RequestJson, request.HttpContext.RequestAborted);
            }
            catch (JsonException e)
            {
                return Error(StatusCodes.Status400BadRequest, $"The body must be JSON of the form {{\"rows\": [[f1, ..., f{scorer.FeatureCount}], ...]}}: {e.Message}");
            }
            catch (BadHttpRequestException e)
            {
                return Error(e.StatusCode, e.Message);
            }
            var (status, message) = Check(body?.Rows, scorer.FeatureCount);
            return message is null ? Results.Json(scorer.Score(body!.Rows!), ResponseJson) : Error(status, message);
        });

        await app.StartAsync();
        return app;
    }

    /// <summary>The service's address, such as <c>http://127.0.0.1:5080</c>.</summary>
    public static Uri Url(WebApplication app) => new(app.Urls.Single());

    private static (int Status, string? Message) Check(float[][]? rows, int featureCount)
    {
        if (rows is null) return (StatusCodes.Status400BadRequest, "The body needs \"rows\": an array of feature rows.");
        if (rows.Length == 0) return (StatusCodes.Status400BadRequest, "\"rows\" is empty.");
        if (rows.Length > MaxRows) return (StatusCodes.Status413PayloadTooLarge, $"{rows.Length} rows; a request may hold at most {MaxRows}.");
        for (int i = 0; i < rows.Length; i++)
        {
            if (rows[i] is null) return (StatusCodes.Status400BadRequest, $"Row {i} is null.");
            if (rows[i].Length != featureCount)
                return (StatusCodes.Status400BadRequest, $"Row {i} has {rows[i].Length} values; the model takes {featureCount}.");
            int bad = Array.FindIndex(rows[i], v => !float.IsFinite(v));
            if (bad >= 0) return (StatusCodes.Status400BadRequest, $"Row {i}, feature {bad} is {rows[i][bad]}; features must be finite.");
        }
        return (StatusCodes.Status200OK, null);
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
