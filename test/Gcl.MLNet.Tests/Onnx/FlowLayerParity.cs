using Gcl.MLNet.Flows;
using Gcl.MLNet.Onnx;
using Xunit;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

/// <summary>
/// Exports one flow layer (or a whole flow) in one direction as a graph <c>x [N, d] -&gt; (y [N, d], log_abs_det [N])</c>,
/// runs it in ONNX Runtime and compares both outputs with TorchSharp's <c>Forward</c> or <c>Inverse</c>, within 1e-4
/// relative with standardized units (scale 1) as the floor: a log-det is a sum of log-derivatives of order 1 to 10
/// whose float32 rounding alone moves TorchSharp's own result by up to 2.5e-5 from the float64 value (measured on a
/// spline coupling), so two correct float32 graphs cannot be held to 1e-5 where the sum cancels to near zero.
/// </summary>
internal static class FlowLayerParity
{
    /// <summary>Asserts parity of a bijector in the direction <paramref name="inverse"/>; returns the largest differences.</summary>
    public static (double Output, double LogAbsDet) AssertMatches(Bijector layer, Tensor input, bool inverse)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var expected = inverse ? layer.Inverse(input) : layer.Forward(input);
        return inverse
            ? AssertMatches<InverseFlowStep>(layer, input, expected)
            : AssertMatches<ForwardFlowStep>(layer, input, expected);
    }

    /// <summary>Asserts that the <typeparamref name="TStep"/> export of <paramref name="module"/> on <paramref name="input"/> gives <paramref name="expected"/>.</summary>
    public static (double Output, double LogAbsDet) AssertMatches<TStep>(nn.Module module, Tensor input, (Tensor Output, Tensor LogAbsDet) expected)
        where TStep : struct, IOnnxFlowStep<TStep>
    {
        int dimension = (int)input.shape[1];
        var graph = new OnnxGraphBuilder();
        var step = OnnxEmitters.Standard().Emit<TStep>(graph, module, graph.AddInput("x", DataType.Float, dimension));
        graph.AddOutput(step.Output, "y", DataType.Float, dimension);
        graph.AddOutput(step.LogAbsDet, "log_abs_det", DataType.Float);
        using var runner = new OnnxTestRunner(graph.Build());

        var outputs = runner.RunAll(("x", OnnxTestRunner.Floats(input), input.shape));

        Assert.Equal(input.shape, outputs["y"].Shape);
        Assert.Equal(new[] { input.shape[0] }, outputs["log_abs_det"].Shape);
        return (OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(expected.Output), (float[])outputs["y"].Values, scale: 1),
            OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(expected.LogAbsDet), (float[])outputs["log_abs_det"].Values, scale: 1));
    }
}
