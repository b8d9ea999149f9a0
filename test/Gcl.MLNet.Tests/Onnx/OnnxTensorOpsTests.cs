using Gcl.MLNet.Onnx;
using Xunit;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxTensorOpsTests
{
    // Two rows of six features.
    private static readonly float[] Rows = [1, 2, 3, 4, 5, 6, -1, 0.5f, 2, -3, 0, 4];

    [Fact]
    public void ReshapeKeepsTheBatchWhereTheShapeSaysZero()
    {
        var (values, shape) = Run((b, x) => b.Reshape(x, 0, 3, 2), [3, 2]);

        Assert.Equal(new long[] { 2, 3, 2 }, shape);
        Assert.Equal(Rows, values);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void FillMakesABatchSizedConstant(int batch)
    {
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", DataType.Float, 6);
        graph.AddOutput(graph.Fill(x, 2.5f), "vector", DataType.Float);
        graph.AddOutput(graph.Fill(x, -1f, 1), "column", DataType.Float, 1);
        using var runner = new OnnxTestRunner(graph.Build());
        (string, float[], long[]) input = ("x", new float[batch * 6], [batch, 6]);

        var (vector, vectorShape) = runner.Run("vector", input);
        var (column, columnShape) = runner.Run("column", input);

        Assert.Equal(new long[] { batch }, vectorShape);
        Assert.Equal(Enumerable.Repeat(2.5f, batch), vector);
        Assert.Equal(new long[] { batch, 1 }, columnShape);
        Assert.Equal(Enumerable.Repeat(-1f, batch), column);
    }

    [Fact]
    public void PadAddsConstantsBeforeAndAfterEachAxis()
    {
        var (values, shape) = Run((b, x) => b.Pad(b.Reshape(x, 0, 3, 2), 9, 0, 0, 1, 0, 0, 2), [3, 5]);

        Assert.Equal(new long[] { 2, 3, 5 }, shape);
        Assert.Equal(new float[] { 9, 1, 2, 9, 9 }, values.Take(5));
        Assert.Equal(new float[] { 9, 0, 4, 9, 9 }, values.Skip(25));
    }

    [Fact]
    public void CumSumRunsInclusiveOrExclusive()
    {
        var (inclusive, _) = Run((b, x) => b.CumSum(x, 1), [6]);
        var (exclusive, _) = Run((b, x) => b.CumSum(x, 1, exclusive: true), [6]);

        Assert.Equal(new float[] { 1, 3, 6, 10, 15, 21, -1, -0.5f, 1.5f, -1.5f, -1.5f, 2.5f }, inclusive);
        Assert.Equal(new float[] { 0, 1, 3, 6, 10, 15, 0, -1, -0.5f, 1.5f, -1.5f, -1.5f }, exclusive);
    }

    [Fact]
    public void SoftmaxNormalizesAlongTheLastAxisOnly()
    {
        var (values, _) = Run((b, x) => b.Softmax(b.Reshape(x, 0, 2, 3), -1), [2, 3]);

        for (int group = 0; group < 4; group++)
        {
            var input = Rows.Skip(3 * group).Take(3).ToArray();
            double total = input.Sum(v => Math.Exp(v));
            OnnxTestRunner.AssertClose(input.Select(v => (float)(Math.Exp(v) / total)).ToArray(), values.Skip(3 * group).Take(3).ToArray());
        }
    }

    [Fact]
    public void GatherElementsPicksOneEntryPerRowLikeTorchGather()
    {
        // Row 0 picks its entry 5, row 1 its entry 2, then each its left neighbour (index arithmetic in int64).
        var (values, shape) = Run((b, x) =>
        {
            var index = b.Reshape(b.AddInt64Initializer("index", [5, 2], 2), 2, 1);
            var next = b.Add(index, b.Int64Scalar(-1));
            return b.Concat(1, b.GatherElements(x, index, 1), b.GatherElements(x, next, 1));
        }, [2]);

        Assert.Equal(new long[] { 2, 2 }, shape);
        Assert.Equal(new float[] { 6, 5, 2, 0.5f }, values);
    }

    [Fact]
    public void ToInt64CountsTrueComparisons()
    {
        var (values, _) = Run((b, x) => b.Cast(b.ReduceSum(b.ToInt64(b.Greater(x, b.Scalar(1.5f))), [1]), DataType.Float), []);

        Assert.Equal(new float[] { 5, 2 }, values);
    }

    private static (float[] Values, long[] Shape) Run(Func<OnnxGraphBuilder, string, string> emit, long[] outputTrailing)
    {
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("x", DataType.Float, 6);
        graph.AddOutput(emit(graph, x), "y", DataType.Float, outputTrailing);
        using var runner = new OnnxTestRunner(graph.Build());
        return runner.Run("y", ("x", Rows, [2, 6]));
    }
}
