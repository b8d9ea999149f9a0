using Gcl.MLNet.Tests.Support;
using Gcl.MLNet.DataViews;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.DataViews;

[Collection(TrainedModelCollection.Name)]
public sealed class ScoringBlockTests(TrainedModel trained)
{
    [Fact]
    public void ValidRowsScoreAsInOneModelCallAndSkippedRowsGetNaN()
    {
        var rows = TestData.Gaussian(3, seed: 4).Select(r => r.Features).ToArray();
        var block = new ScoringBlock(trained.Transformer.Model, "Features", InvalidRowHandling.Skip, capacity: 4);
        block.Add(Dense(rows[0]), 0);
        block.Add(Dense([1, float.NaN, 2, 3]), 1);
        block.Add(Sparse(rows[1]), 2);
        block.Add(Dense(rows[2]), 3);
        block.Score();
        var energy = new float[3];
        var logDensity = new float[3];
        trained.Transformer.Model.Score(rows.SelectMany(r => r).ToArray(), energy, logDensity);

        Assert.Equal([energy[0], float.NaN, energy[1], energy[2]], Read<float>(block, 0));
        Assert.Equal([logDensity[0], float.NaN, logDensity[1], logDensity[2]], Read<float>(block, 1));
        Assert.Equal([-logDensity[0], float.NaN, -logDensity[1], -logDensity[2]], Read<float>(block, 2));
        var threshold = trained.Transformer.Model.ScoreThreshold;
        Assert.Equal([-logDensity[0] > threshold, false, -logDensity[1] > threshold, -logDensity[2] > threshold], Read<bool>(block, 3));
    }

    [Fact]
    public void RejectNamesTheColumnRowAndFeature()
    {
        var block = new ScoringBlock(trained.Transformer.Model, "Features", InvalidRowHandling.Reject, capacity: 2);

        var error = Assert.Throws<InvalidOperationException>(() => block.Add(Dense([1, 2, float.NegativeInfinity, 3]), 12));

        Assert.Equal("Row 12 of column 'Features' has -Infinity at feature 2; the model scores finite values only. Set " +
            "EnergyModelOptions.InvalidRows to InvalidRowHandling.Skip to get NaN outputs for such rows instead.", error.Message);
    }

    [Theory]
    [InlineData(InvalidRowHandling.Reject)]
    [InlineData(InvalidRowHandling.Skip)]
    public void AWrongSizeIsAnErrorWhateverTheHandling(InvalidRowHandling handling)
    {
        var block = new ScoringBlock(trained.Transformer.Model, "Features", handling, capacity: 2);

        var error = Assert.Throws<InvalidOperationException>(() => block.Add(Dense([1, 2, 3]), 7));

        Assert.Equal("Row 7 of column 'Features' has 3 values; the model was trained on 4 features.", error.Message);
    }

    private static VBuffer<float> Dense(float[] values) => new(values.Length, values);

    private static VBuffer<float> Sparse(float[] values) => new(values.Length, values.Length, values, Enumerable.Range(0, values.Length).ToArray());

    private static T[] Read<T>(ScoringBlock block, int added)
    {
        int row = 0;
        var getter = (ValueGetter<T>)block.Getter(added, () => row);
        var values = new T[block.Count];
        for (row = 0; row < block.Count; row++) getter(ref values[row]);
        return values;
    }
}
