using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.MLNet;

[Collection(TrainedModelCollection.Name)]
public sealed class EnergyModelTransformerTests(TrainedModel trained)
{
    [Fact]
    public void TransformAddsTheModelsScoresToEveryRow()
    {
        var rows = TestData.Gaussian(50, seed: 9);
        var output = trained.Transformer.Transform(TestData.View(trained.Context, rows));
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        trained.Transformer.Model.Score(rows.SelectMany(r => r.Features).ToArray(), energy, logDensity);

        Assert.Equal(energy, TestData.Column(output, "Energy"));
        Assert.Equal(logDensity, TestData.Column(output, "LogDensity"));
        Assert.Equal(logDensity.Select(v => -v), TestData.Column(output, "Score"));
        var threshold = trained.Transformer.Model.ScoreThreshold;
        Assert.Equal(logDensity.Select(v => -v > threshold), output.GetColumn<bool>("PredictedLabel"));
    }
}
