using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace Gcl.MLNet.Samples.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class ExportCommandTests(TrainedModel model)
{
    [Fact]
    public void Export_writes_the_scoring_and_sampling_models_that_onnx_runtime_runs()
    {
        using var folder = new TemporaryFolder();

        Assert.Equal(0, SampleCommands.Run(["export", "--model", model.ModelPath, "--out", folder.Path]));

        Assert.Equal(File.ReadAllBytes(model.OnnxPath), File.ReadAllBytes(folder.File("scoring.onnx")));
        using var sampling = new InferenceSession(folder.File("sampling.onnx"));
        Assert.Equal("Noise", sampling.InputMetadata.Keys.Single());
        var noise = new DenseTensor<float>(Enumerable.Range(0, 3 * SampleData.FeatureCount).Select(i => (i % 7 - 3) / 3f).ToArray(), [3, SampleData.FeatureCount]);
        using var results = sampling.Run([NamedOnnxValue.CreateFromTensor("Noise", noise)]);
        var samples = results.Single(r => r.Name == "Samples").AsTensor<float>();
        Assert.Equal([3, SampleData.FeatureCount], samples.Dimensions.ToArray());
        Assert.All(samples, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Onnx_metadata_is_described_with_shapes()
    {
        using var session = new InferenceSession(model.OnnxPath);

        var lines = Gcl.MLNet.Tool.ExportCommand.Describe(session).ToArray();

        Assert.Contains("input  Features: Single [N, 30]", lines);
        Assert.Contains("output PredictedLabel: Boolean [N]", lines);
        Assert.Contains("metadata feature_count = 30", lines);
    }

    [Theory]
    [InlineData("--model", "MODEL")]
    [InlineData("--model", "no-such-model.zip", "--out", "OUT")]
    [InlineData("--model", "NOT-A-MODEL", "--out", "OUT")]
    [InlineData("--out", "OUT")]
    public void Wrong_command_lines_exit_with_2(params string[] args)
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("not-a-model.zip"), "text");
        var resolved = args.Select(a => a switch
        {
            "MODEL" => model.ModelPath,
            "NOT-A-MODEL" => folder.File("not-a-model.zip"),
            "OUT" => folder.Path,
            _ => a,
        });

        Assert.Equal(2, SampleCommands.Run(["export", .. resolved]));
    }
}
