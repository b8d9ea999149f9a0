using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Xunit;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxOpsTests
{
    // Two rows of five features, with negative, zero-crossing and large entries.
    private static readonly float[] Rows = [-3, -0.5f, 0.25f, 1, 4, 2, -1.5f, 0.75f, -0.1f, 6];

    [Theory]
    [InlineData("Neg")]
    [InlineData("Sigmoid")]
    [InlineData("Exp")]
    [InlineData("Log")]
    [InlineData("Tanh")]
    [InlineData("Softplus")]
    [InlineData("Silu")]
    [InlineData("Identity")]
    public void UnaryOperatorsMatchTorchSharp(string op)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var x = tensor(Rows, 2, 5);
        if (op == "Log") x = x.abs() + 0.1f;
        Func<OnnxGraphBuilder, string, string> emit = op switch
        {
            "Neg" => (b, v) => b.Neg(v),
            "Sigmoid" => (b, v) => b.Sigmoid(v),
            "Exp" => (b, v) => b.Exp(v),
            "Log" => (b, v) => b.Log(v),
            "Tanh" => (b, v) => b.Tanh(v),
            "Softplus" => (b, v) => b.Softplus(v),
            "Silu" => (b, v) => b.Silu(v),
            _ => (b, v) => b.Identity(v),
        };
        var expected = op switch
        {
            "Neg" => -x,
            "Sigmoid" => x.sigmoid(),
            "Exp" => x.exp(),
            "Log" => x.log(),
            "Tanh" => x.tanh(),
            "Softplus" => nn.functional.softplus(x),
            "Silu" => nn.functional.silu(x),
            _ => x,
        };

        var (values, shape) = Run(emit, OnnxTestRunner.Floats(x), [5]);

        Assert.Equal(new long[] { 2, 5 }, shape);
        OnnxTestRunner.AssertClose(OnnxTestRunner.Floats(expected), values);
    }

    [Fact]
    public void BinaryOperatorsBroadcastAFeatureVectorAndAScalarOverTheBatch()
    {
        float[] vector = [1, 2, 4, -1, 0.5f];
        var (values, _) = Run((b, x) =>
        {
            var v = b.AddInitializer("v", vector, 5);
            return b.Div(b.Mul(b.Sub(b.Add(x, v), b.Scalar(1)), v), b.Scalar(2));
        }, Rows, [5]);

        var expected = Rows.Select((r, i) => (r + vector[i % 5] - 1) * vector[i % 5] / 2).ToArray();
        OnnxTestRunner.AssertClose(expected, values);
    }

    [Fact]
    public void MatMulMultipliesEachRowByTheMatrix()
    {
        float[] matrix = [1, 0, 0, 1, 1, 1, 2, 0, 0, -1]; // [5, 2]
        var (values, shape) = Run((b, x) => b.MatMul(x, b.AddInitializer("m", matrix, 5, 2)), Rows, [2]);

        Assert.Equal(new long[] { 2, 2 }, shape);
        Assert.Equal(new float[] { -3 + 0.25f + 2, -0.5f + 0.25f - 4, 2 + 0.75f - 0.2f, -1.5f + 0.75f - 6 }, values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReduceSumOverFeaturesDropsOrKeepsTheAxis(bool keepDims)
    {
        var (values, shape) = Run((b, x) => b.ReduceSum(x, [1], keepDims), Rows, keepDims ? [1] : []);

        Assert.Equal(keepDims ? new long[] { 2, 1 } : new long[] { 2 }, shape);
        OnnxTestRunner.AssertClose([1.75f, 7.15f], values);
    }

    [Fact]
    public void SplitSliceAndConcatRearrangeColumns()
    {
        var (values, shape) = Run((b, x) =>
        {
            var parts = b.Split(x, 1, 2, 3);
            return b.Concat(1, parts[1], b.Slice(x, 1, 1, 2), parts[0]);
        }, Rows, [6]);

        Assert.Equal(new long[] { 2, 6 }, shape);
        Assert.Equal(new float[] { 0.25f, 1, 4, -0.5f, -3, -0.5f, 0.75f, -0.1f, 6, -1.5f, 2, -1.5f }, values);
    }

    [Fact]
    public void GatherPermutesColumns()
    {
        var (values, _) = Run((b, x) => b.Gather(x, 1, 4, 3, 2, 1, 0), Rows, [5]);

        Assert.Equal(new float[] { 4, 1, 0.25f, -0.5f, -3, 6, -0.1f, 0.75f, -1.5f, 2 }, values);
    }

    [Fact]
    public void WhereLessGreaterAndCastSelectElementwise()
    {
        var (absolute, _) = Run((b, x) => b.Where(b.Less(x, b.Scalar(0)), b.Neg(x), x), Rows, [5]);
        var (positive, _) = Run((b, x) => b.Cast(b.Greater(x, b.Scalar(0)), DataType.Float), Rows, [5]);

        Assert.Equal(Rows.Select(Math.Abs), absolute);
        Assert.Equal(Rows.Select(r => r > 0 ? 1f : 0f), positive);
    }

    [Fact]
    public void SqrtMaxAndClipWorkElementwise()
    {
        var (roots, _) = Run((b, x) => b.Sqrt(b.Max(x, b.Scalar(0))), Rows, [5]);
        var (clipped, _) = Run((b, x) => b.Clip(x, -1, 2), Rows, [5]);

        OnnxTestRunner.AssertClose(Rows.Select(r => MathF.Sqrt(Math.Max(r, 0))).ToArray(), roots);
        Assert.Equal(Rows.Select(r => Math.Clamp(r, -1, 2)), clipped);
    }

    [Fact]
    public void InclusiveComparisonsAndAndKeepTheBoundary()
    {
        // -0.5 and 0.75 sit exactly on the bounds and must count as inside.
        var (inside, _) = Run((b, x) => b.Cast(b.And(b.GreaterOrEqual(x, b.Scalar(-0.5f)), b.LessOrEqual(x, b.Scalar(0.75f))), DataType.Float), Rows, [5]);

        Assert.Equal(Rows.Select(r => r >= -0.5f && r <= 0.75f ? 1f : 0f), inside);
        Assert.Equal(4, inside.Count(v => v == 1));
    }

    [Fact]
    public void UnsqueezeAndSqueezeChangeTheRankOnly()
    {
        var (unsqueezed, shape) = Run((b, x) => b.Unsqueeze(x, 1), Rows, [1, 5]);
        var (roundTrip, roundTripShape) = Run((b, x) => b.Squeeze(b.Unsqueeze(x, 2), 2), Rows, [5]);

        Assert.Equal(new long[] { 2, 1, 5 }, shape);
        Assert.Equal(new long[] { 2, 5 }, roundTripShape);
        Assert.Equal(Rows, unsqueezed);
        Assert.Equal(Rows, roundTrip);
    }

    // Runs emit(builder, x) on the two rows of shape [2, 5]; the output is declared [N, outputTrailing...].
    private static (float[] Values, long[] Shape) Run(Func<OnnxGraphBuilder, string, string> emit, float[] rows, long[] outputTrailing)
    {
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", DataType.Float, 5);
        graph.AddOutput(emit(graph, x), "y", DataType.Float, outputTrailing);
        using var runner = new OnnxTestRunner(graph.Build());
        return runner.Run("y", ("x", rows, [2, 5]));
    }
}
