using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class LinearEmitterTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OnnxRuntimeMatchesTorchSharpWithAndWithoutBias(bool hasBias)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        using var linear = nn.Linear(6, 4, hasBias: hasBias);
        var x = randn(9, 6, generator: generator);

        var (values, shape) = RunExported(linear, 6, 4, x);

        Assert.Equal(new long[] { 9, 4 }, shape);
        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(linear.forward(x)), values);
    }

    [Fact]
    public void AFloat64LayerIsExportedAsFloat32()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(6);
        using var linear = nn.Linear(3, 2);
        linear.to(float64);
        var x = randn(4, 3, dtype: float64, generator: generator);

        var (values, _) = RunExported(linear, 3, 2, x);

        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(linear.forward(x)), values);
        Assert.Equal(ScalarType.Float64, linear.weight!.dtype);
    }

    [Fact]
    public void WeightIsStoredTransposedForMatMul()
    {
        TorchRuntime.EnsureLoaded();
        using var linear = nn.Linear(3, 2);
        var graph = new OnnxGraphBuilder();

        new LinearEmitter().Emit(graph, linear, graph.AddInput("x", DataType.Float, 3), OnnxEmitters.Standard());

        var model = graph.ToModel().Graph;
        Assert.Equal(["MatMul", "Add"], model.Node.Select(node => node.OpType));
        Assert.Equal(new long[] { 3, 2 }, model.Initializer[0].Dims);
        Assert.Equal(new long[] { 2 }, model.Initializer[1].Dims);
        Assert.Equal(linear.weight!.detach()[1, 0].item<float>(), model.Initializer[0].FloatData[1]);
    }

    private static (float[] Values, long[] Shape) RunExported(Linear linear, int inputs, int outputs, Tensor x)
    {
        var graph = new OnnxGraphBuilder();
        var y = OnnxEmitters.Standard().Emit(graph, linear, graph.AddInput("x", DataType.Float, inputs));
        graph.AddOutput(y, "y", DataType.Float, outputs);
        using var runner = new OnnxTestRunner(graph.Build());
        return runner.Run("y", "x", x);
    }
}
