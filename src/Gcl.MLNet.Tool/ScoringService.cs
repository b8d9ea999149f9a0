using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gcl.MLNet.Tool;

/// <summary>
/// A minimal ASP.NET Core scoring service that runs the exported ONNX model with ONNX Runtime, on 127.0.0.1 unless
/// explicit URLs are given: <c>GET /health</c> describes the model; <c>POST /score</c> takes
/// <c>{"rows": [[f1, ..., fd], ...]}</c> (at most <see cref="MaxRows"/>) and answers
/// <c>{"energy": [...], "logDensity": [...], "score": [...], "predictedLabel": [...]}</c>, all rows in one batch.
/// The body is read as a JSON document and checked field by field, so an error names the part of the request at
/// fault (HTTP 400, 413 for too many rows, <c>{"error": "..."}</c>) and never a .NET type.
/// </summary>
internal static class ScoringService
{
    /// <summary>Rows one request may hold.</summary>
    public const int MaxRows = 10_000;

    // A row far outside the data can score -Infinity in float32; such values are written as JSON strings.
    private static readonly JsonSerializerOptions ResponseJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Starts the service for <paramref name="modelPath"/> (.onnx or model .zip) on 127.0.0.1:<paramref name="port"/>
    /// (0: any free port), or on <paramref name="urls"/> when given (such as <c>http://0.0.0.0:5080</c>).
    /// </summary>
    /// <returns>The running app; <c>Urls(app)</c> are its addresses. Stop it with <c>StopAsync</c>.</returns>
    /// <exception cref="InvalidDataException">The file holds no scoring model.</exception>
    /// <exception cref="IOException">The port is taken.</exception>
    public static async Task<WebApplication> StartAsync(string modelPath, int port, string? urls = null)
    {
        var scorer = OnnxScorer.Open(modelPath);
        var builder = WebApplication.CreateSlimBuilder();
        if (urls is null) builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        else builder.WebHost.UseUrls(urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
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
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
            }
            catch (JsonException e)
            {
                string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
                return Error(StatusCodes.Status400BadRequest, $"The body is not valid JSON{where}; send {Form(scorer.FeatureCount)}.");
            }
            catch (BadHttpRequestException e)
            {
                return Error(e.StatusCode, e.Message);
            }
            using (document)
            {
                var (status, message, rows) = Read(document.RootElement, scorer.FeatureCount);
                return message is null ? Results.Json(scorer.Score(rows!), ResponseJson) : Error(status, message);
            }
        });

        await app.StartAsync();
        return app;
    }

    /// <summary>The service's first address, such as <c>http://127.0.0.1:5080</c>.</summary>
    public static Uri Url(WebApplication app) => new(app.Urls.First());

    /// <summary>The rows of a request body, or the status and message that say what is wrong with it.</summary>
    internal static (int Status, string? Message, float[][]? Rows) Read(JsonElement body, int featureCount)
    {
        const int bad = StatusCodes.Status400BadRequest;
        if (body.ValueKind != JsonValueKind.Object) return (bad, $"The body must be a JSON object, {Form(featureCount)}, not {Kind(body)}.", null);
        JsonElement? rowsElement = null;
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name != "rows") return (bad, $"Unknown field \"{property.Name}\"; the body has one field, \"rows\": {Form(featureCount)}.", null);
            rowsElement = property.Value;
        }
        if (rowsElement is not { } rowsJson || rowsJson.ValueKind == JsonValueKind.Null)
            return (bad, $"The body needs \"rows\": an array of feature rows, {Form(featureCount)}.", null);
        if (rowsJson.ValueKind != JsonValueKind.Array) return (bad, $"\"rows\" must be an array of rows, not {Kind(rowsJson)}.", null);
        int count = rowsJson.GetArrayLength();
        if (count == 0) return (bad, "\"rows\" is empty.", null);
        if (count > MaxRows) return (StatusCodes.Status413PayloadTooLarge, $"{count} rows; a request may hold at most {MaxRows}.", null);
        var rows = new float[count][];
        int i = 0;
        foreach (var row in rowsJson.EnumerateArray())
        {
            if (row.ValueKind == JsonValueKind.Null) return (bad, $"Row {i} is null.", null);
            if (row.ValueKind != JsonValueKind.Array) return (bad, $"Row {i} must be an array of {featureCount} numbers, not {Kind(row)}.", null);
            int length = row.GetArrayLength();
            if (length != featureCount) return (bad, $"Row {i} has {length} values; the model takes {featureCount}.", null);
            rows[i] = new float[featureCount];
            int j = 0;
            foreach (var value in row.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number) return (bad, $"Row {i}, feature {j} is {Kind(value)}; features must be numbers.", null);
                if (!value.TryGetSingle(out float number) || !float.IsFinite(number))
                    return (bad, $"Row {i}, feature {j} is {value.GetRawText()}; features must be finite and within float range.", null);
                rows[i][j++] = number;
            }
            i++;
        }
        return (StatusCodes.Status200OK, null, rows);
    }

    private static string Form(int featureCount) => $"{{\"rows\": [[f1, ..., f{featureCount}], ...]}}";

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
