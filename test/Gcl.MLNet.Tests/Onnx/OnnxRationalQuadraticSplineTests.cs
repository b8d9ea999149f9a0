using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxRationalQuadraticSplineTests(ITestOutputHelper output)
{
    private const int Features = 3;

    [Theory]
    [InlineData(2, false)]
    [InlineData(2, true)]
    [InlineData(8, false)]
    [InlineData(8, true)]
    public void MatchesTheSplineMathsForUnevenBinsInsideAndInTheTails(int bins, bool inverse)
    {
        // Judged against the torch spline in float64: the float32 torch spline itself strays up to 2e-4 from it in
        // the inverse log-derivative here, so float32 against float32 would test rounding, not the graph.
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator((ulong)(90 + bins));
        var parameters = randn(256, Features, 3 * bins - 1, generator: generator);
        var x = randn(256, Features, generator: generator) * 3;

        // 2.7 is not a float32 number: the graph must use the same float32 bound as the float32 model.
        var (exact, exactLog) = RationalQuadraticSpline.Apply(x.to(ScalarType.Float64), parameters.to(ScalarType.Float64), bins, (float)2.7, inverse);
        var (actual, actualLog) = Run(x, parameters, bins, 2.7, inverse);

        double outputDifference = OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(exact), actual, scale: 1);
        double logDifference = OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(exactLog), actualLog, scale: 1);
        Assert.True(exactLog.abs().max().item<double>() > 1, "derivatives should be far from 1 somewhere");
        Assert.Contains(actualLog, v => v == 0); // the tails
        output.WriteLine($"K {bins}, inverse {inverse}: |Δy| {outputDifference:E2}, |Δ log| {logDifference:E2} from float64");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IsAsAccurateAsTheTorchSplineWhereBinsShrinkToTheirFloor(bool inverse)
    {
        // Bins near the minimum width with heights far from it give slopes in the hundreds: both float32
        // implementations then lose digits, so each is judged against float64 arithmetic rather than the other.
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(95);
        var parameters = randn(2048, Features, 3 * 8 - 1, generator: generator) * 2.5;
        var x = randn(2048, Features, generator: generator) * 3;

        var (exact, exactLog) = RationalQuadraticSpline.Apply(x.to(ScalarType.Float64), parameters.to(ScalarType.Float64), 8, 3.0, inverse);
        var (torch32, torch32Log) = RationalQuadraticSpline.Apply(x, parameters, 8, 3.0, inverse);
        var (onnx, onnxLog) = Run(x, parameters, 8, 3.0, inverse);

        double torchError = LargestError(torch32, exact), onnxError = LargestError(tensor(onnx), exact);
        double torchLogError = LargestError(torch32Log, exactLog), onnxLogError = LargestError(tensor(onnxLog), exactLog);
        output.WriteLine($"inverse {inverse}: largest error vs float64, y: TorchSharp {torchError:E2}, ONNX {onnxError:E2}; log: TorchSharp {torchLogError:E2}, ONNX {onnxLogError:E2}");
        Assert.True(onnxError <= 3 * torchError, $"ONNX {onnxError:E2} vs TorchSharp {torchError:E2}");
        Assert.True(onnxLogError <= 3 * torchLogError, $"ONNX {onnxLogError:E2} vs TorchSharp {torchLogError:E2}");
    }

    [Fact]
    public void TheInverseGraphUndoesTheForwardGraph()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var generator = new Generator(97);
        var parameters = randn(100, Features, 3 * 6 - 1, generator: generator);
        var x = randn(100, Features, generator: generator) * 2;

        var (y, forwardLog) = Run(x, parameters, 6, 2.5, inverse: false);
        var (back, inverseLog) = Run(tensor(y, 100, Features), parameters, 6, 2.5, inverse: true);

        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(x), back);
        OnnxTestRunner.AssertClose(forwardLog, inverseLog.Select(v => -v).ToArray());
    }

    [Fact]
    public void ZeroParametersGiveTheIdentity()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = linspace(-5, 5, 30).reshape(10, Features);

        var (y, log) = Run(x, zeros(10, Features, 3 * 4 - 1), 4, 3.0, inverse: false);

        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(x), y);
        Assert.All(log, v => Assert.True(Math.Abs(v) < 1e-5));
    }

    private static double LargestError(Tensor actual, Tensor exact) =>
        (actual.flatten().to(ScalarType.Float64) - exact.flatten()).abs().max().item<double>();

    // The spline alone as a graph with two inputs: values [N, t] and parameters [N, t, 3K - 1].
    private static (float[] Output, float[] LogAbsDerivative) Run(Tensor x, Tensor parameters, int bins, double bound, bool inverse)
    {
        var graph = new OnnxGraphBuilder();
        var input = graph.AddInput("x", DataType.Float, Features);
        var theta = graph.AddInput("theta", DataType.Float, Features, 3 * bins - 1);
        var (y, log) = OnnxRationalQuadraticSpline.Apply(graph, input, theta, bins, bound, inverse);
        graph.AddOutput(y, "y", DataType.Float, Features);
        graph.AddOutput(log, "log", DataType.Float, Features);
        using var runner = new OnnxTestRunner(graph.Build());
        var outputs = runner.RunAll(("x", OnnxTestRunner.Floats(x), x.shape), ("theta", OnnxTestRunner.Floats(parameters), parameters.shape));
        return ((float[])outputs["y"].Values, (float[])outputs["log"].Values);
    }
}
