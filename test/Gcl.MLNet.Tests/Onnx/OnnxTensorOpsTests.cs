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

    [Fact]
    public void ReduceMaxKeepsOrDropsTheAxis()
    {
        var (kept, keptShape) = Run((b, x) => b.ReduceMax(b.Reshape(x, 0, 2, 3), [2], keepDims: true), [2, 1]);
        var (dropped, droppedShape) = Run((b, x) => b.ReduceMax(x, [1]), []);

        Assert.Equal(new long[] { 2, 2, 1 }, keptShape);
        Assert.Equal(new float[] { 3, 6, 2, 4 }, kept);
        Assert.Equal(new long[] { 2 }, droppedShape);
        Assert.Equal(new float[] { 6, 4 }, dropped);
    }

    [Fact]
    public void IntegerClipAndEqualWorkOnIndices()
    {
        // Each row's count of entries above 0.25 (6 and 3), clamped to [1, 4], as 10 * count + (count == 4).
        var (values, _) = Run((b, x) =>
        {
            var count = b.ReduceSum(b.ToInt64(b.Greater(x, b.Scalar(0.25f))), [1]);
            var clipped = b.ClipInt64(count, 1, 4);
            var isFour = b.Cast(b.Equal(clipped, b.Int64Scalar(4)), DataType.Float);
            return b.Add(b.Mul(b.Cast(clipped, DataType.Float), b.Scalar(10)), isFour);
        }, []);

        Assert.Equal(new float[] { 41, 30 }, values);
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
