using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using Gcl.MLNet.Onnx;
using Xunit;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxEmittersTests
{
    [Fact]
    public void AnUnsupportedLayerTypeFailsWithAMessageThatNamesIt()
    {
        TorchRuntime.EnsureLoaded();
        using var relu = nn.ReLU();
        var graph = new OnnxGraphBuilder();

        var error = Assert.Throws<NotSupportedException>(
            () => OnnxEmitters.Standard().Emit(graph, relu, graph.AddInput("x", DataType.Float, 2)));

        Assert.Equal(
            "ONNX export does not support the layer type ReLU (TorchSharp.Modules.ReLU): no ONNX emitter producing " +
            "String is registered for it. Layer types with an emitter: ActNorm, AffineCoupling, InvertibleLinear, KernelMixtureEnergy, Linear, Mlp, " +
            "MlpEnergy, NormalizingFlow, RationalQuadraticSplineCoupling, TiltedFlowEnergy.",
            error.Message);
    }

    [Fact]
    public void AKnownLayerAskedForAnotherResultKindIsUnsupportedToo()
    {
        TorchRuntime.EnsureLoaded();
        using var mlp = new Mlp("mlp", 2, [], 2);
        var graph = new OnnxGraphBuilder();

        var error = Assert.Throws<NotSupportedException>(
            () => OnnxEmitters.Standard().Emit<FlowStep>(graph, mlp, graph.AddInput("x", DataType.Float, 2)));

        Assert.StartsWith("ONNX export does not support the layer type Mlp (Gcl.MLNet.Networks.Mlp): no ONNX emitter producing FlowStep", error.Message);
    }

    [Fact]
    public void TwoEmittersForTheSameTypeAndResultAreRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new OnnxEmitters(new LinearEmitter(), new MlpEmitter(), new LinearEmitter()));

        Assert.StartsWith("Two ONNX emitters translate Linear to String.", error.Message);
    }

    [Fact]
    public void AnEmptyRegistrySupportsNothing()
    {
        TorchRuntime.EnsureLoaded();
        using var linear = nn.Linear(2, 2);

        var error = Assert.Throws<NotSupportedException>(() => new OnnxEmitters().Emit(new OnnxGraphBuilder(), linear, "x"));

        Assert.Contains("layer type Linear", error.Message);
    }

    private readonly record struct FlowStep(string Output, string LogAbsDet);
}
