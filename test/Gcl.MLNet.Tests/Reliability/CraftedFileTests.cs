using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gcl.MLNet.Tests.Persistence;
using Microsoft.ML;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// Issue 15, item 3: small crafted files that declare huge models or carry huge entries are refused quickly and
/// without allocating what they declare: every size is checked against the entries' real lengths first.
/// </summary>
public sealed class CraftedFileTests(ITestOutputHelper output)
{
    private const double MaximumSeconds = 1, MaximumMegabytes = 500;
    private static readonly Lazy<byte[]> Saved = new(() => ReliabilityModels.SavedBytes());

    [Fact]
    public void Three_thousand_declared_features_in_a_tiny_file_are_refused_before_modules_are_built()
    {
        var crafted = ArchiveEditing.EditManifest(Saved.Value, m =>
        {
            m["featureCount"] = 3000;
            m["featureNames"] = null;
            m["standardizer"]!["mean"] = Numbers(3000, 0.0);
            m["standardizer"]!["scale"] = Numbers(3000, 1.0);
            m["standardizer"]!["constantFeatures"] = new JsonArray();
        });
        Assert.Contains("declares a 3000-feature architecture of", Refuse(crafted, "3,000 features"));
    }

    [Theory]
    [InlineData("flowBlocks", 8, "too short")]
    [InlineData("flowBlocks", 100_000, "implausibly large")]
    [InlineData("flowHiddenWidth", 1024, "too short")]
    [InlineData("flowHiddenWidth", 4096, "implausibly large")]
    [InlineData("flowHiddenLayers", 16, "more than the 67108864 any model may hold")]
    public void Huge_flows_are_refused_quickly(string setting, int value, string reason)
    {
        var crafted = ArchiveEditing.EditManifest(Saved.Value, m =>
        {
            m["architecture"]![setting] = value;
            if (setting == "flowHiddenLayers") m["architecture"]!["flowHiddenWidth"] = 1024;
        });
        Assert.Contains(reason, Refuse(crafted, $"{setting} = {value}"));
    }

    [Fact]
    public void Four_thousand_energy_layers_are_refused_quickly()
    {
        var crafted = ArchiveEditing.EditManifest(Saved.Value, m =>
            m["architecture"]!["energyHiddenSizes"] = Numbers(4000, 4096));
        Assert.Contains("at most 8 hidden layers", Refuse(crafted, "4,000 energy layers"));
    }

    [Fact]
    public void Big_zero_entries_are_refused_without_being_expanded()
    {
        const int megabytes = 64;
        var crafted = WithExtraEntries(Saved.Value, ["a.bin", "b.bin", "c.bin"], new byte[megabytes << 20]);
        Assert.True(crafted.Length < 2 << 20, $"The crafted file has {crafted.Length} bytes.");
        Assert.Contains("expands", Refuse(crafted, $"three {megabytes} MiB zero entries"));
    }

    [Fact]
    public void Extra_entries_far_larger_than_the_weights_are_refused()
    {
        var noise = new byte[24 << 20];
        new Random(1).NextBytes(noise);
        var crafted = WithExtraEntries(Saved.Value, ["noise.bin"], noise);
        Assert.Contains("extra entries hold", Refuse(crafted, "a 24 MiB incompressible extra entry"));
    }

    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling, EnergyNetworkKind.TiltedFlow, 4)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.Mlp, 7)]
    public void The_size_bound_never_refuses_a_real_model(FlowLayerKind flow, EnergyNetworkKind energy, int dimension)
    {
        var mlContext = new MLContext(seed: 1);
        var options = Support.TestData.Micro(3);
        options = new EnergyModelOptions
        {
            FlowLayer = flow,
            EnergyNetwork = energy,
            FlowBlocks = 2,
            FlowHiddenWidth = 16,
            EnergyHiddenSizes = [16, 8],
            WarmStartSteps = options.WarmStartSteps,
            AdversarialIterations = options.AdversarialIterations,
            PartitionSamples = options.PartitionSamples,
            BatchSize = options.BatchSize,
            Seed = 3,
        };
        using var transformer = mlContext.Transforms.EnergyModel(options: options)
            .Fit(Support.TestData.View(mlContext, Support.TestData.Gaussian(200, 3, dimension), dimension));
        var architecture = Gcl.MLNet.Persistence.ModelArchitecture.Of(transformer.Model);
        var (energyBytes, generatorBytes) = architecture.WeightBytes(dimension);
        using var buffer = new MemoryStream();
        transformer.Save(buffer);
        var entries = ArchiveEditing.Entries(buffer.ToArray());
        output.WriteLine($"energy.bin {entries["energy.bin"].Length} >= {energyBytes}, generator.bin {entries["generator.bin"].Length} >= {generatorBytes}");
        Assert.InRange(energyBytes, 1, entries["energy.bin"].Length);
        Assert.InRange(generatorBytes, 1, entries["generator.bin"].Length);
        using var loaded = EnergyModelTransformer.Load(mlContext, new MemoryStream(buffer.ToArray()));
    }

    private static JsonArray Numbers(int count, double value) => new([.. Enumerable.Range(0, count).Select(_ => (JsonNode?)JsonValue.Create(value))]);

    // Loads the crafted file, asserting InvalidDataException within the time and memory budget; returns the message.
    private string Refuse(byte[] crafted, string what)
    {
        var mlContext = new MLContext(seed: 1);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidDataException>(() => EnergyModelTransformer.Load(mlContext, new MemoryStream(crafted)));
        double seconds = clock.Elapsed.TotalSeconds;
        double megabytes = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1048576.0;
        output.WriteLine($"{what}: {crafted.Length} bytes, refused in {seconds * 1000:F0} ms allocating {megabytes:F1} MB: {error.Message}");
        Assert.True(seconds < MaximumSeconds, $"{what}: refused only after {seconds:F2} s.");
        Assert.True(megabytes < MaximumMegabytes, $"{what}: allocated {megabytes:F0} MB before refusing.");
        return error.Message;
    }

    // The archive with extra entries, each listed in the manifest with its real length and SHA-256 (a careful forger).
    private static byte[] WithExtraEntries(byte[] archive, string[] names, byte[] content)
    {
        string sha = Convert.ToHexStringLower(SHA256.HashData(content));
        var edited = ArchiveEditing.EditManifest(archive, m =>
        {
            foreach (var name in names) m["entries"]![name] = new JsonObject { ["length"] = content.Length, ["sha256"] = sha };
        });
        using var buffer = new MemoryStream();
        buffer.Write(edited);
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            foreach (var name in names)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(content);
            }
        }
        return buffer.ToArray();
    }
}
