using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tool.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class ScoringServiceTests(TrainedModel model) : IAsyncLifetime
{
    private const int FeatureCount = 30;
    private WebApplication service = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        service = await ScoringService.StartAsync(model.ModelPath, port: 0);
        client = new HttpClient { BaseAddress = ScoringService.Url(service) };
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await service.StopAsync();
        await service.DisposeAsync();
    }

    [Fact]
    public void Service_listens_on_loopback_by_default()
    {
        var url = ScoringService.Url(service);

        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
    }

    [Fact]
    public async Task Urls_bind_where_they_say()
    {
        var app = await ScoringService.StartAsync(model.ModelPath, port: 0, urls: "http://127.0.0.2:0");
        try
        {
            Assert.Equal("127.0.0.2", ScoringService.Url(app).Host);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Health_reports_the_input_feature_count_and_metadata()
    {
        using var health = JsonDocument.Parse(await client.GetStringAsync("/health"));

        Assert.Equal("Features", health.RootElement.GetProperty("input").GetString());
        Assert.Equal(FeatureCount, health.RootElement.GetProperty("featureCount").GetInt32());
        Assert.Equal("scoring", health.RootElement.GetProperty("metadata").GetProperty("model_kind").GetString());
    }

    [Fact]
    public async Task Scores_a_batch_like_the_library_does()
    {
        var mlContext = new MLContext(seed: 1);
        using var transformer = EnergyModelTransformer.Load(mlContext, model.ModelPath);
        var data = mlContext.Data.TakeRows(mlContext.Data.LoadFromTextFile(GclRun.Wbc,
            [new TextLoader.Column("Features", DataKind.Single, 0, FeatureCount - 1)], separatorChar: ',', hasHeader: true), 40);
        var rows = data.GetColumn<float[]>("Features").ToArray();
        var expected = transformer.Transform(data).GetColumn<float>("LogDensity").ToArray();

        using var response = await client.PostAsJsonAsync("/score", new { rows });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<ScoreResponse>())!;
        for (int i = 0; i < rows.Length; i++)
            Assert.True(Math.Abs(answer.LogDensity[i] - expected[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"row {i}");
    }

    [Theory]
    [InlineData("{\"rows\": [[1, 2", "not valid JSON (line 1, byte")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{\"rows\": [[1, 2, 3]]}", "Row 0 has 3 values; the model takes 30")]
    [InlineData("{\"rows\": []}", "\"rows\" is empty")]
    [InlineData("{}", "needs \"rows\"")]
    [InlineData("{\"rows\": 5}", "\"rows\" must be an array of rows, not the number 5")]
    [InlineData("{\"rows\": [null]}", "Row 0 is null")]
    [InlineData("{\"rows\": [{}]}", "Row 0 must be an array of 30 numbers, not an object")]
    [InlineData("{\"rows\": [[NaN]]}", "not valid JSON")]
    [InlineData("{\"rowz\": [[1]]}", "Unknown field \"rowz\"")]
    public async Task Malformed_bodies_get_400_with_an_error_about_the_request(string body, string message)
    {
        using var response = await client.PostAsync("/score", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string error = await Error(response);
        Assert.Contains(message, error);
        Assert.DoesNotContain(".NET", error);
        Assert.DoesNotContain("Gcl.", error);
        Assert.DoesNotContain("System.", error);
    }

    [Theory]
    [InlineData("\"1\"", "Row 0, feature 0 is the string \"1\"; features must be numbers")]
    [InlineData("null", "Row 0, feature 0 is null; features must be numbers")]
    [InlineData("1e39", "Row 0, feature 0 is 1e39; features must be finite")]
    public async Task Bad_values_are_named_by_row_and_feature(string value, string message)
    {
        string row = string.Join(", ", Enumerable.Repeat("1", FeatureCount - 1).Prepend(value));

        using var response = await client.PostAsync("/score", new StringContent($"{{\"rows\": [[{row}]]}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await Error(response));
    }

    [Fact]
    public async Task More_rows_than_the_cap_get_413()
    {
        var rows = Enumerable.Repeat(new float[FeatureCount], ScoringService.MaxRows + 1).ToArray();

        using var response = await client.PostAsJsonAsync("/score", new { rows });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 10000", await Error(response));
    }

    private static async Task<string> Error(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }
}
