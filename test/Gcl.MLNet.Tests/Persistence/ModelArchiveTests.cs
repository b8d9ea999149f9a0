using Gcl.MLNet.Tests.Support;
using Gcl.MLNet.Persistence;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.Persistence;

[Collection(TrainedModelCollection.Name)]
public sealed class ModelArchiveTests(TrainedModel trained)
{
    [Fact]
    public void ALoadedModelScoresBitIdenticallyAndKeepsItsSummary()
    {
        var data = TestData.View(trained.Context, TestData.Gaussian(500, seed: 77));
        var original = trained.Transformer;

        using var loaded = EnergyModelTransformer.Load(trained.Context, new MemoryStream(Save(original)));

        Assert.Equal(TestData.Column(original.Transform(data), "Energy"), TestData.Column(loaded.Transform(data), "Energy"));
        Assert.Equal(TestData.Column(original.Transform(data), "LogDensity"), TestData.Column(loaded.Transform(data), "LogDensity"));
        Assert.Equal(original.Model.ScoreThreshold, loaded.Model.ScoreThreshold);
        Assert.Equal(original.Model.Partition, loaded.Model.Partition);
        Assert.Equal(original.Model.Summary.History, loaded.Model.Summary.History);
        Assert.Equal(original.Model.Summary.Warnings, loaded.Model.Summary.Warnings);
        Assert.Equal(original.Model.Summary with { History = [], ConstantFeatures = [], Warnings = [] }, loaded.Model.Summary with { History = [], ConstantFeatures = [], Warnings = [] });
        Assert.Equal((original.FeatureColumnName, original.InvalidRows), (loaded.FeatureColumnName, loaded.InvalidRows));
        Assert.Equal(original.GenerateSamples(50, 3).GetColumn<float[]>("Features"), loaded.GenerateSamples(50, 3).GetColumn<float[]>("Features"));
    }

    [Fact]
    public void SavingIsDeterministicAndALoadedModelSavesToTheSameBytes()
    {
        var first = Save(trained.Transformer);
        using var loaded = EnergyModelTransformer.Load(trained.Context, new MemoryStream(first));

        Assert.Equal(first, Save(trained.Transformer));
        Assert.Equal(first, Save(loaded));
    }

    [Fact]
    public void TheManifestListsTheLengthAndHashOfEveryEntry()
    {
        var entries = ArchiveEditing.Entries(Save(trained.Transformer));

        Assert.Equal(["energy.bin", "generator.bin", "manifest.json", "manifest.sha256", "model.onnx"], entries.Keys.Order());
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(entries["manifest.json"])!;
        Assert.Equal("Gcl.MLNet.EnergyModel", (string?)manifest["format"]);
        // No kernel term: format 1, which 0.1 reads.
        Assert.Equal(1, (int?)manifest["formatVersion"]);
        Assert.Equal(4, (int?)manifest["featureCount"]);
        foreach (var name in new[] { "energy.bin", "generator.bin", "model.onnx" })
        {
            Assert.Equal(EntryDigest.Of(entries[name]).Sha256, (string?)manifest["entries"]![name]!["sha256"]);
            Assert.Equal(entries[name].Length, (long?)manifest["entries"]![name]!["length"]);
        }
    }

    [Fact]
    public void AFileRoundTripsThroughAPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gcl-mlnet-{Guid.NewGuid():N}.zip");
        try
        {
            trained.Transformer.Save(path);
            using var loaded = EnergyModelTransformer.Load(trained.Context, path);

            Assert.Equal(TestData.Column(trained.Transformer.Transform(trained.Training), "Score"), TestData.Column(loaded.Transform(trained.Training), "Score"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ExtraEntriesTravelWithTheModelAndAreVerified()
    {
        var onnx = new byte[] { 8, 7, 6, 5 };
        using var buffer = new MemoryStream();
        ModelArchive.Write(buffer, new ArchivedModel(trained.Transformer.Model, "Features", null, InvalidRowHandling.Reject, null, [new ArchiveEntry("model.onnx", onnx)]));
        var archive = buffer.ToArray();

        var read = ModelArchive.Read(new MemoryStream(archive));
        var tampered = ArchiveEditing.Edit(archive, (name, content) => name == "model.onnx" ? [8, 7, 6, 4] : content);

        Assert.Equal(onnx, read.Extra.Single(e => e.Name == "model.onnx").Content);
        read.Model.Dispose();
        var error = Assert.Throws<InvalidDataException>(() => ModelArchive.Read(new MemoryStream(tampered)));
        Assert.Equal("The model file's model.onnx does not match its SHA-256 in the manifest (the file was modified or damaged).", error.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    [InlineData(0.01)]
    public void ATruncatedFileIsNotAReadableZip(double keep)
    {
        var archive = Save(trained.Transformer);

        var error = Assert.Throws<InvalidDataException>(() => Load(archive[..(int)(archive.Length * keep)]));

        Assert.StartsWith("Not a Gcl.MLNet energy model: the file is not a readable zip archive, it may be truncated or of another format", error.Message);
    }

    [Fact]
    public void ModifiedWeightsFailTheirHash()
    {
        var archive = ArchiveEditing.Edit(Save(trained.Transformer), (name, content) =>
        {
            if (name == "generator.bin") content[content.Length / 2] ^= 1;
            return content;
        });

        var error = Assert.Throws<InvalidDataException>(() => Load(archive));

        Assert.Equal("The model file's generator.bin does not match its SHA-256 in the manifest (the file was modified or damaged).", error.Message);
    }

    [Fact]
    public void ForgedWeightsWithAFittingHashAreCaughtBeforeTorchSharpReadsThem()
    {
        var archive = Save(trained.Transformer);
        var entries = ArchiveEditing.Entries(archive);
        var forged = ArchiveEditing.Forge(archive, "energy.bin", entries["generator.bin"]);
        var cut = ArchiveEditing.Forge(archive, "generator.bin", entries["generator.bin"][..^3]);

        var wrongModule = Assert.Throws<InvalidDataException>(() => Load(forged));
        var truncated = Assert.Throws<InvalidDataException>(() => Load(cut));

        Assert.StartsWith("The model file's energy.bin does not fit the model described by its manifest: it holds", wrongModule.Message);
        Assert.StartsWith("The model file's generator.bin does not fit the model described by its manifest: tensor '", truncated.Message);
        Assert.EndsWith("' is cut short.", truncated.Message);
    }

    [Fact]
    public void AMissingEntryAndAForeignArchiveAreNamed()
    {
        var archive = Save(trained.Transformer);
        var missing = ArchiveEditing.Edit(archive, (name, content) => name == "generator.bin" ? null : content);
        var foreign = ArchiveEditing.Zip([KeyValuePair.Create("hello.txt", "hi"u8.ToArray())]);

        Assert.Equal("The model file lacks generator.bin, which its manifest lists.", Assert.Throws<InvalidDataException>(() => Load(missing)).Message);
        Assert.Equal("Not a Gcl.MLNet energy model: the archive has no manifest.json.", Assert.Throws<InvalidDataException>(() => Load(foreign)).Message);
        Assert.StartsWith("Not a Gcl.MLNet energy model: the file is not a readable zip archive",
            Assert.Throws<InvalidDataException>(() => Load("this is a CSV file, not a model\n1,2,3\n"u8.ToArray())).Message);
    }

    private static byte[] Save(EnergyModelTransformer transformer)
    {
        using var buffer = new MemoryStream();
        transformer.Save(buffer);
        return buffer.ToArray();
    }

    private void Load(byte[] archive) => EnergyModelTransformer.Load(trained.Context, new MemoryStream(archive)).Dispose();
}
