using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxStandardizationTests(ITestOutputHelper output)
{
    private static readonly double[] Mean = [100, -3, 0, 0.001, 5e4, 7, -250, 1, 2, 3];
    private static readonly double[] Scale = [50, 0.01, 1, 1e-3, 2e4, 3, 80, 0.5, 2, 10];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void StandardizationThenMlpMatchesTorchSharpOnRawRows(int batch)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(200 + batch));
        using var mlp = OnnxTestModels.RandomMlp(10, [128, 128], 1, generator);
        var mean = tensor(Mean.Select(v => (float)v).ToArray());
        var scale = tensor(Scale.Select(v => (float)v).ToArray());
        var raw = randn(batch, 10, generator: generator) * scale + mean;
        var graph = new OnnxGraphBuilder();
        var u = graph.Standardize(graph.AddInput("Features", DataType.Float, 10), Mean, Scale);
        graph.AddOutput(OnnxEmitters.Standard().Emit(graph, mlp, u), "Energy", DataType.Float, 1);
        using var runner = new OnnxTestRunner(graph.Build());

        var (values, _) = runner.Run("Energy", "Features", raw);

        var expected = OnnxTestRunner.Floats(mlp.forward((raw - mean) / scale));
        output.WriteLine($"batch {batch}: largest |TorchSharp - ONNX Runtime| = {OnnxTestRunner.AssertClose(expected, values):E2}");
    }

    [Fact]
    public void UnstandardizeInvertsStandardize()
    {
        float[] rows = [150, -2.99f, 0.5f, 0.002f, 1e5f, 1, -90, 1.25f, 0, 33];
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", DataType.Float, 10);
        var u = graph.Standardize(x, Mean, Scale);
        graph.AddOutput(u, "u", DataType.Float, 10);
        graph.AddOutput(graph.Unstandardize(u, Mean, Scale), "back", DataType.Float, 10);
        using var runner = new OnnxTestRunner(graph.Build());

        var standardized = runner.Run("u", ("x", rows, [1, 10])).Values;
        var back = runner.Run("back", ("x", rows, [1, 10])).Values;

        OnnxTestRunner.AssertClose(rows.Select((r, j) => (float)((r - Mean[j]) / Scale[j])).ToArray(), standardized);
        OnnxTestRunner.AssertClose(rows, back);
    }

    [Fact]
    public void MismatchedLengthsAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxGraphBuilder().Standardize("x", [0, 1], [1]));

        Assert.StartsWith("The standardizer has 2 means but 1 scales.", error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ScalesMustBePositiveAndFinite(double bad)
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxGraphBuilder().Unstandardize("u", [0, 1], [1, bad]));

        Assert.StartsWith($"Standardizer scale 1 is {bad}; scales must be positive and finite.", error.Message);
    }
}
