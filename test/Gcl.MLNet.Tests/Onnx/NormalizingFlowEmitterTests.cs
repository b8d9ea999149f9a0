using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class NormalizingFlowEmitterTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling, false)]
    [InlineData(FlowLayerKind.AffineCoupling, true)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, false)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, true)]
    public void AWholeFlowMatchesTorchSharpInBothDirections(FlowLayerKind kind, bool inverse)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(101);
        using var flow = OnnxTestEnergyModels.Flow(7, kind, generator, randn(300, 7, generator: generator) * 2 + 1, blocks: 3);
        var x = randn(257, 7, generator: generator) * 2;

        var (outputDifference, logDetDifference) = inverse
            ? FlowLayerParity.AssertMatches<InverseFlowStep>(flow, x, ToNoise(flow, x))
            : FlowLayerParity.AssertMatches<ForwardFlowStep>(flow, x, FromNoise(flow, x));

        output.WriteLine($"{kind}, inverse {inverse}: |Δy| {outputDifference:E2}, |Δ log det| {logDetDifference:E2}");
    }

    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline)]
    public void BaseDensityPlusTheInverseLogDetIsTheFlowsLogProb(FlowLayerKind kind)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(103);
        using var flow = OnnxTestEnergyModels.Flow(4, kind, generator);
        var x = randn(50, 4, generator: generator) * 1.5;
        var graph = new OnnxGraphBuilder();
        var step = OnnxEmitters.Standard().Emit<InverseFlowStep>(graph, flow, graph.AddInput("x", DataType.Float, 4));
        graph.AddOutput(graph.Add(graph.StandardNormalLogDensity(step.Output, 4), step.LogAbsDet), "log_q", DataType.Float);
        using var runner = new OnnxTestRunner(graph.Build());

        var (logQ, _) = runner.Run("log_q", "x", x);

        using var noGrad = no_grad();
        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(flow.LogProb(x)), logQ, scale: 1);
    }

    private static (Tensor, Tensor) ToNoise(NormalizingFlow flow, Tensor x)
    {
        using var noGrad = no_grad();
        return flow.ToNoise(x);
    }

    // FromNoise returns log q(x) = log N(z) - sum log|det|; the step's log|det| is that sum.
    private static (Tensor, Tensor) FromNoise(NormalizingFlow flow, Tensor z)
    {
        using var noGrad = no_grad();
        var (samples, logProb) = flow.FromNoise(z);
        return (samples, NormalizingFlow.StandardNormalLogProb(z) - logProb);
    }
}
