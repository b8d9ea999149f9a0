using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class InvertibleLinearEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(30, false)]
    [InlineData(30, true)]
    public void BothDirectionsMatchTorchSharp(int dimension, bool inverse)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(41);
        using var layer = new InvertibleLinear("linear", dimension, generator);
        OnnxTestEnergyModels.Perturb(layer, generator);
        var x = randn(65, dimension, generator: generator) * 2;

        var (outputDifference, logDetDifference) = FlowLayerParity.AssertMatches(layer, x, inverse);

        output.WriteLine($"d {dimension}, inverse {inverse}: |Δy| {outputDifference:E2}, |Δ log det| {logDetDifference:E2}");
    }

    [Fact]
    public void EachDirectionIsOneMatMulByAConstantAndTheTwoConstantsAreInverses()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(43);
        using var layer = new InvertibleLinear("linear", 4, generator);
        OnnxTestEnergyModels.Perturb(layer, generator);

        var forward = MatrixOf<ForwardFlowStep>(layer);
        var inverse = MatrixOf<InverseFlowStep>(layer);

        var product = forward.matmul(inverse);
        Assert.True((product - eye(4)).abs().max().item<float>() < 1e-5, "W times its exported inverse is not the identity");
        Assert.True((forward - layer.Weight().t()).abs().max().item<float>() < 1e-6);
    }

    // The transposed matrix the graph multiplies by, checking that MatMul is the graph's only row-dependent op.
    private static Tensor MatrixOf<TStep>(InvertibleLinear layer)
        where TStep : struct, IOnnxFlowStep<TStep>
    {
        var graph = new OnnxGraphBuilder();
        OnnxEmitters.Standard().Emit<TStep>(graph, layer, graph.AddInput("x", DataType.Float, 4));
        var model = graph.ToModel().Graph;
        var matMul = Assert.Single(model.Node, node => node.OpType == "MatMul");
        var weight = model.Initializer.Single(initializer => initializer.Name == matMul.Input[1]);
        return tensor(weight.FloatData.ToArray(), 4, 4);
    }
}
