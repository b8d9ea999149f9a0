using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.DataViews;

[Collection(TrainedModelCollection.Name)]
public sealed class SampleDataViewTests(TrainedModel trained)
{
    [Fact]
    public void SamplesComeInRawUnitsWithTheirModelScoresAndRepeatUnderASeed()
    {
        int count = 2500;
        var samples = trained.Transformer.GenerateSamples(count, seed: 5);
        var features = samples.GetColumn<float[]>("Features").ToArray();
        var energy = TestData.Column(samples, "Energy");
        var logDensity = TestData.Column(samples, "LogDensity");
        var expectedEnergy = new float[count];
        var expectedLogDensity = new float[count];
        trained.Transformer.Model.Score(features.SelectMany(f => f).ToArray(), expectedEnergy, expectedLogDensity);

        Assert.Equal(count, samples.GetRowCount());
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, TestData.Dimension), samples.Schema["Features"].Type);
        Assert.All(features, f => Assert.Equal(TestData.Dimension, f.Length));
        Assert.Equal(expectedEnergy, energy);
        Assert.Equal(expectedLogDensity, logDensity);
        Assert.Equal(features, trained.Transformer.GenerateSamples(count, seed: 5).GetColumn<float[]>("Features"));
        Assert.NotEqual(features[0], trained.Transformer.GenerateSamples(1, seed: 6).GetColumn<float[]>("Features").Single());
    }

    [Fact]
    public void SampleMeansAreNearTheTrainingMeansInRawUnits()
    {
        var training = trained.Training.GetColumn<float[]>("Features").ToArray();
        var samples = trained.Transformer.GenerateSamples(4000, seed: 1).GetColumn<float[]>("Features").ToArray();

        for (int j = 0; j < TestData.Dimension; j++)
        {
            double mean = training.Average(r => r[j]);
            double sd = Math.Sqrt(training.Average(r => (r[j] - mean) * (r[j] - mean)));
            Assert.InRange(samples.Average(r => r[j]), mean - 0.3 * sd, mean + 0.3 * sd);
        }
    }

    [Fact]
    public void WithoutASeedTheContextsRandomSourceDecides()
    {
        float[] First() => trained.Transformer.GenerateSamples(1).GetColumn<float[]>("Features").Single();

        Assert.NotEqual(First(), First());
        Assert.Empty(trained.Transformer.GenerateSamples(0).GetColumn<float>("Energy"));
    }

    [Fact]
    public void FeatureNamesFromTrainingBecomeSlotNames()
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Data.LoadFromEnumerable(TestData.Gaussian(60).Select(r => new Named { Height = r.Features[0], Width = r.Features[1] }));
        using var transformer = mlContext.Transforms.Concatenate("Features", "Height", "Width")
            .Append(mlContext.Transforms.EnergyModel(options: TestData.Micro(1))).Fit(data).LastTransformer;
        var names = default(VBuffer<ReadOnlyMemory<char>>);

        transformer.GenerateSamples(3, 1).Schema["Features"].GetSlotNames(ref names);

        Assert.Equal(["Height", "Width"], names.DenseValues().Select(n => n.ToString()));
    }

    private sealed class Named
    {
        public float Height { get; set; }

        public float Width { get; set; }
    }
}
