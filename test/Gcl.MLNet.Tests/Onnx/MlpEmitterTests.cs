using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using Gcl.MLNet.Onnx;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class MlpEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void OnnxRuntimeMatchesTorchSharpForTheEnergySizedMlp(int batch)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(100 + batch));
        using var mlp = OnnxTestModels.RandomMlp(10, [128, 128], 1, generator);
        var x = randn(batch, 10, generator: generator) * 2;

        using var runner = new OnnxTestRunner(OnnxTestModels.MlpModel(mlp, 10, 1));
        var (actual, shape) = runner.Run("Output", "Features", x);

        Assert.Equal(new long[] { batch, 1 }, shape);
        var expected = OnnxTestRunner.Floats(mlp.forward(x));
        Assert.True(expected.Max() - expected.Min() > 0.5 || batch == 1, "outputs should vary across rows");
        output.WriteLine($"batch {batch}: largest |TorchSharp - ONNX Runtime| = {OnnxTestRunner.AssertClose(expected, actual):E2}");
    }

    [Fact]
    public void AnMlpWithoutHiddenLayersIsOneLinearMap()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        using var mlp = OnnxTestModels.RandomMlp(4, [], 3, generator);
        var x = randn(5, 4, generator: generator);

        using var runner = new OnnxTestRunner(OnnxTestModels.MlpModel(mlp, 4, 3));

        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(mlp.forward(x)), runner.Run("Output", "Features", x).Values);
    }

    [Fact]
    public void ExportingLeavesNoLiveTensorsBehind()
    {
        TorchRuntime.EnsureLoaded();
        using var mlp = OnnxTestModels.RandomMlp(10, [128, 128], 1, new Generator(9));
        OnnxTestModels.MlpModel(mlp, 10, 1); // first export: lazy one-time allocations happen here

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 20; i++) OnnxTestModels.MlpModel(mlp, 10, 1);

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void SiluSitsBetweenLayersOnly()
    {
        TorchRuntime.EnsureLoaded();
        using var mlp = new Mlp("mlp", 2, [3, 3], 1);
        var graph = new OnnxGraphBuilder();
        OnnxEmitters.Standard().Emit(graph, mlp, graph.AddInput("Features", DataType.Float, 2));

        var ops = graph.ToModel().Graph.Node.Select(node => node.OpType).ToArray();

        Assert.Equal(
            ["MatMul", "Add", "Sigmoid", "Mul", "MatMul", "Add", "Sigmoid", "Mul", "MatMul", "Add"],
            ops);
    }
}
