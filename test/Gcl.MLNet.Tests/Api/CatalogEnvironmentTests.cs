using Gcl.MLNet.Api;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Xunit;

namespace Gcl.MLNet.Tests.Api;

public sealed class CatalogEnvironmentTests
{
    [Fact]
    public void BothCatalogsStillExposeTheirContextsEnvironment()
    {
        var mlContext = new MLContext(seed: 1);

        var transforms = CatalogEnvironment.Get(mlContext.Transforms, "fallback");
        var anomaly = CatalogEnvironment.Get(mlContext.AnomalyDetection.Trainers, "fallback");

        Assert.NotNull(transforms);
        Assert.NotNull(anomaly);
    }

    [Fact]
    public void ChannelMessagesOfTheEnvironmentReachTheContextsLog()
    {
        var mlContext = new MLContext(seed: 1);
        var messages = new List<string>();
        mlContext.Log += (_, e) => messages.Add(e.Message);

        using (var channel = CatalogEnvironment.Get(mlContext.Transforms, "fallback").Start("Probe"))
        {
            channel.Info(MessageSensitivity.None, "hello from the catalog environment");
        }

        Assert.Contains(messages, m => m.Contains("hello from the catalog environment"));
    }

    [Fact]
    public void TheEnvironmentsRandomSourceFollowsTheContextsSeed()
    {
        int Draw(int seed) => CatalogEnvironment.Get(new MLContext(seed).Transforms, "fallback").Register("probe").Rand.Next();

        Assert.Equal(Draw(5), Draw(5));
        Assert.NotEqual(Draw(5), Draw(6));
    }

    [Fact]
    public void AnObjectWithoutAnEnvironmentGetsAnErrorNamingTheFallback()
    {
        var error = Assert.Throws<InvalidOperationException>(() => CatalogEnvironment.Get(new object(), "Use(mlContext)"));

        Assert.Equal(
            "Gcl.MLNet cannot reach the MLContext behind Object (Microsoft.ML.Data.IInternalCatalog.Environment is missing in " +
            "this ML.NET version). Pass the MLContext explicitly: Use(mlContext).",
            error.Message);
    }
}
