using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Samples.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class ScoringServiceTests(TrainedModel model) : IDisposable
{
    private readonly HttpClient client = new() { BaseAddress = ScoringService.Url(model.Service) };

    [Fact]
    public void Service_listens_on_loopback_on_the_port_it_was_given()
    {
        var url = ScoringService.Url(model.Service);

        Assert.Equal("127.0.0.1", url.Host);
        Assert.NotEqual(0, url.Port);
    }

    [Fact]
    public async Task Health_reports_the_input_feature_count_and_metadata()
    {
        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Features", health.RootElement.GetProperty("input").GetString());
        Assert.Equal(SampleData.FeatureCount, health.RootElement.GetProperty("featureCount").GetInt32());
        Assert.Equal("scoring", health.RootElement.GetProperty("metadata").GetProperty("model_kind").GetString());
    }

    [Fact]
    public async Task Scores_a_batch_like_the_library_does()
    {
        var (rows, expected) = LibraryScores(60);

        var answer = await Score(client, rows);

        AssertClose(expected.Energy, answer.Energy);
        AssertClose(expected.LogDensity, answer.LogDensity);
        AssertClose(expected.Score, answer.Score);
        Assert.Equal(expected.PredictedLabel, answer.PredictedLabel);
    }

    [Fact]
    public async Task An_exported_onnx_file_serves_the_same_scores_as_the_model_file()
    {
        var (rows, expected) = LibraryScores(5);
        var app = await ScoringService.StartAsync(model.OnnxPath, port: 0);
        try
        {
            using var onnxClient = new HttpClient { BaseAddress = ScoringService.Url(app) };
            AssertClose(expected.LogDensity, (await Score(onnxClient, rows)).LogDensity);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("{\"rows\": [[1, 2", "must be JSON")]
    [InlineData("not json", "must be JSON")]
    [InlineData("", "must be JSON")]
    [InlineData("{\"rows\": [[1, 2, 3]]}", "Row 0 has 3 values; the model takes 30")]
    [InlineData("{\"rows\": []}", "\"rows\" is empty")]
    [InlineData("{}", "needs \"rows\"")]
    [InlineData("{\"rows\": [null]}", "Row 0 is null")]
    [InlineData("{\"rows\": [[NaN]]}", "must be JSON")]
    [InlineData("{\"rows\": [[\"1\"]]}", "must be JSON")]
    [InlineData("{\"rows\": [[null]]}", "must be JSON")]
    [InlineData("{\"rowz\": [[1]]}", "must be JSON")]
    public async Task Malformed_bodies_get_400_with_a_json_error(string body, string message)
    {
        using var response = await client.PostAsync("/score", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await Error(response));
    }

    [Fact]
    public async Task Values_beyond_float_range_get_400()
    {
        string row = string.Join(", ", Enumerable.Repeat("1", SampleData.FeatureCount - 1).Prepend("1e39"));

        using var response = await client.PostAsync("/score", new StringContent($"{{\"rows\": [[{row}]]}}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Row 0, feature 0", await Error(response));
    }

    [Fact]
    public async Task More_rows_than_the_cap_get_413()
    {
        var rows = Enumerable.Repeat(new float[SampleData.FeatureCount], ScoringService.MaxRows + 1).ToArray();

        using var response = await client.PostAsJsonAsync("/score", new { rows });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 10000", await Error(response));
    }

    public void Dispose() => client.Dispose();

    private (float[][] Rows, ScoreResponse Scores) LibraryScores(int count)
    {
        var data = model.Context.Data.TakeRows(SampleData.Load(model.Context), count);
        var scored = model.Transformer.Transform(data);
        return (data.GetColumn<float[]>("Features").ToArray(), new ScoreResponse(
            scored.GetColumn<float>("Energy").ToArray(), scored.GetColumn<float>("LogDensity").ToArray(),
            scored.GetColumn<float>("Score").ToArray(), scored.GetColumn<bool>("PredictedLabel").ToArray()));
    }

    private static async Task<ScoreResponse> Score(HttpClient client, float[][] rows)
    {
        using var response = await client.PostAsJsonAsync("/score", new { rows });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ScoreResponse>())!;
    }

    private static async Task<string> Error(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double relative = Math.Abs(actual[i] - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
            Assert.True(relative <= 1e-4, $"row {i}: service {actual[i]}, library {expected[i]}");
        }
    }
}
