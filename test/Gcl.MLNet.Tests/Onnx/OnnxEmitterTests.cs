using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Xunit;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxEmitterTests
{
    [Fact]
    public void AnEmitterDeclaresItsModuleTypeAndResultKind()
    {
        IOnnxEmitter emitter = new ShiftForward();

        Assert.Equal(typeof(Shift), emitter.ModuleType);
        Assert.Equal(typeof(FlowStep), emitter.ResultType);
    }

    [Fact]
    public void OneModuleTypeCanHaveOneEmitterPerResultKindAndSubclassesUseThem()
    {
        TorchRuntime.EnsureLoaded();
        using var shift = new LoudShift(); // a subclass: found through its base type Shift
        var emitters = new OnnxEmitters(new ShiftForward(), new ShiftValue());
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", DataType.Float, 2);

        var step = emitters.Emit<FlowStep>(graph, shift, x);
        var value = emitters.Emit(graph, shift, x);
        graph.AddOutput(step.Output, "y", DataType.Float, 2);
        graph.AddOutput(step.LogAbsDet, "log_det", DataType.Float);
        graph.AddOutput(value, "y_again", DataType.Float, 2);
        using var runner = new OnnxTestRunner(graph.Build());

        (string, float[], long[]) input = ("x", [1, 2, 3, 4], [2, 2]);
        Assert.Equal(new float[] { 1.5f, 1, 3.5f, 3 }, runner.Run("y", input).Values);
        Assert.Equal(new float[] { 0, 0 }, runner.Run("log_det", input).Values);
        Assert.Equal(new float[] { 1.5f, 1, 3.5f, 3 }, runner.Run("y_again", input).Values);
    }

    // A translation-only flow layer x -> x + offset (log |det| = 0), standing in for real flow layers.
    private class Shift : nn.Module<Tensor, Tensor>
    {
        public Shift() : base("shift")
        {
            offset = nn.Parameter(tensor(new float[] { 0.5f, -1 }));
            RegisterComponents();
        }

        public readonly TorchSharp.Modules.Parameter offset;

        public override Tensor forward(Tensor input) => input + offset;
    }

    private sealed class LoudShift : Shift;

    private readonly record struct FlowStep(string Output, string LogAbsDet);

    private sealed class ShiftForward : OnnxEmitter<Shift, FlowStep>
    {
        public override FlowStep Emit(OnnxGraphBuilder graph, Shift module, string input, OnnxEmitters emitters)
        {
            var output = graph.Add(input, graph.AddInitializer("offset", module.offset));
            var zeros = graph.ReduceSum(graph.Mul(input, graph.Scalar(0)), [1]);
            return new FlowStep(output, zeros);
        }
    }

    private sealed class ShiftValue : OnnxEmitter<Shift, string>
    {
        public override string Emit(OnnxGraphBuilder graph, Shift module, string input, OnnxEmitters emitters) =>
            emitters.Emit<FlowStep>(graph, module, input).Output;
    }
}
