using Gcl.MLNet.Tests.Support;
using System.Text.Json.Nodes;
using Gcl.MLNet.Persistence;
using Xunit;

namespace Gcl.MLNet.Tests.Persistence;

[Collection(TrainedModelCollection.Name)]
public sealed class ManifestReaderTests(TrainedModel trained)
{
    public static TheoryData<string, string> Tampered => new()
    {
        { "format", "Not a Gcl.MLNet energy model: the manifest names format 'Other.Format'." },
        { "version", $"The model was saved in format version 3 by Gcl.MLNet {ModelArchive.LibraryVersion}; this library reads versions up to 2. Load it with a newer Gcl.MLNet." },
        { "featureCount", "The model file's manifest.json is inconsistent: the standardizer has 4 means and 4 scales for 5 features." },
        { "featureNames", "The model file's manifest.json is inconsistent: it names 2 features but has 4." },
        { "constant", "The model file's manifest.json is inconsistent: the constant-feature indices are out of range or repeated." },
        { "scale", "The model file's manifest.json is inconsistent: the scale of feature 2 (-1) is outside [1e-30, 1e30]." },
        { "dtype", "The model file's manifest.json is inconsistent: the score threshold NaN is not a finite float32 value." },
        { "architecture", "The manifest's model architecture is invalid: dtype 'Int32' is not Float32 or Float64." },
        { "blocks", "The manifest's model architecture is invalid: FlowOptions.Blocks must be at least 1; got 0. (Parameter 'Blocks')\nActual value was 0." },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void EachInconsistencyIsNamed(string edit, string message)
    {
        var archive = ArchiveEditing.EditManifest(Save(), m =>
        {
            switch (edit)
            {
                case "format": m["format"] = "Other.Format"; break;
                case "version": m["formatVersion"] = 3; break;
                case "featureCount": m["featureCount"] = 5; break;
                case "featureNames": m["featureNames"] = new JsonArray("a", "b"); break;
                case "constant": m["standardizer"]!["constantFeatures"] = new JsonArray(1, 1); break;
                case "scale": m["standardizer"]!["scale"]![2] = -1.0; break;
                case "dtype": m["scoreThreshold"] = "NaN"; break;
                case "architecture": m["architecture"]!["dType"] = "Int32"; break;
                case "blocks": m["architecture"]!["flowBlocks"] = 0; break;
            }
        });

        var error = Assert.Throws<InvalidDataException>(() => Load(archive));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("summary")]
    [InlineData("standardizer")]
    [InlineData("entries")]
    public void AMissingRequiredPartMakesTheManifestInvalid(string property)
    {
        var archive = ArchiveEditing.EditManifest(Save(), m => m.Remove(property));

        var error = Assert.Throws<InvalidDataException>(() => Load(archive));

        Assert.StartsWith("The model file's manifest.json is not valid: ", error.Message);
        Assert.Contains(property, error.Message);
    }

    [Fact]
    public void BrokenJsonMakesTheManifestInvalid()
    {
        // Without manifest.sha256 (as files of 0.1 were), so the JSON reader meets the damage rather than the digest.
        var archive = ArchiveEditing.Edit(Save(), (name, content) =>
            name == "manifest.sha256" ? null : name == "manifest.json" ? content[..(content.Length / 2)] : content);

        Assert.StartsWith("The model file's manifest.json is not valid: ", Assert.Throws<InvalidDataException>(() => Load(archive)).Message);
    }

    [Fact]
    public void InfiniteParetoKAndNaNLossesRoundTrip()
    {
        var archive = ArchiveEditing.EditManifest(Save(), m => m["summary"]!["partition"]!["paretoK"] = "Infinity");

        using var loaded = EnergyModelTransformer.Load(trained.Context, new MemoryStream(archive));

        Assert.Equal(double.PositiveInfinity, loaded.Model.Partition.ParetoK);
        Assert.Contains(loaded.Model.Summary.History, p => double.IsNaN(p.DiscriminatorLoss)); // warm-start reports carry NaN
    }

    private byte[] Save()
    {
        using var buffer = new MemoryStream();
        trained.Transformer.Save(buffer);
        return buffer.ToArray();
    }

    private void Load(byte[] archive) => EnergyModelTransformer.Load(trained.Context, new MemoryStream(archive)).Dispose();
}
