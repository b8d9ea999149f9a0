using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>Issue 15, item 5: Save never destroys the previous file, and every model Fit returns can be saved.</summary>
public sealed class AtomicSaveTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gcl-atomic-save-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_failed_save_leaves_the_old_file_intact_and_no_temporary_file()
    {
        var mlContext = new MLContext(seed: 1);
        string path = Path.Combine(folder, "model.zip");
        var transformer = ReliabilityModels.Train(mlContext);
        transformer.Save(path);
        var saved = File.ReadAllBytes(path);
        transformer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => transformer.Save(path));

        Assert.Equal(saved, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder));
        using var loaded = EnergyModelTransformer.Load(mlContext, path);
        Assert.Equal(transformer.FeatureColumnName, loaded.FeatureColumnName);
    }

    [Fact]
    public void Saving_into_a_missing_folder_fails_with_the_io_error_and_writes_nothing()
    {
        using var transformer = ReliabilityModels.Train(new MLContext(seed: 1));
        Assert.Throws<DirectoryNotFoundException>(() => transformer.Save(Path.Combine(folder, "missing", "model.zip")));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void Saving_over_an_existing_file_replaces_it_whole()
    {
        var mlContext = new MLContext(seed: 1);
        string path = Path.Combine(folder, "model.zip");
        File.WriteAllBytes(path, new byte[1 << 20]);
        using var transformer = ReliabilityModels.Train(mlContext);
        transformer.Save(path);
        using var loaded = EnergyModelTransformer.Load(mlContext, path);
        Assert.Equal(transformer.Model.ScoreThreshold, loaded.Model.ScoreThreshold);
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Theory]
    [InlineData("Score")]
    [InlineData("Energy")]
    [InlineData("LogDensity")]
    [InlineData("PredictedLabel")]
    public void A_feature_column_named_like_an_output_trains_saves_and_loads(string column)
    {
        var mlContext = new MLContext(seed: 1);
        var data = mlContext.Transforms.CopyColumns(column, "Features")
            .Fit(TestData.View(mlContext, TestData.Gaussian(200, 5))).Transform(TestData.View(mlContext, TestData.Gaussian(200, 5)));
        using var transformer = mlContext.Transforms.EnergyModel(column, TestData.Micro(5)).Fit(data);
        string path = Path.Combine(folder, column + ".zip");

        transformer.Save(path);

        using var loaded = EnergyModelTransformer.Load(mlContext, path);
        Assert.Equal(column, loaded.FeatureColumnName);
        Assert.Equal(TestData.Column(transformer.Transform(data), "Score"), TestData.Column(loaded.Transform(data), "Score"));
    }
}
