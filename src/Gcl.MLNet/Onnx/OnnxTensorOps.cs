using Gcl.MLNet.Onnx.Protobuf;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The opset-17 operators that reshape, broadcast, reduce or index tensors (the flow layers need them; the plain
/// networks do not), in the same style as <see cref="OnnxOps"/>: value names in and out, operand-form sizes and
/// shapes added as int64 initializers.
/// </summary>
internal static class OnnxTensorOps
{
    /// <summary>Reshapes <paramref name="x"/>; a 0 in <paramref name="shape"/> keeps that input dimension (the batch), -1 is inferred.</summary>
    public static string Reshape(this OnnxGraphBuilder b, string x, params long[] shape) =>
        b.Node("Reshape", [x, b.Int64s("shape", shape)]);

    /// <summary>Dimensions <c>[start, end)</c> of <paramref name="x"/>'s shape, as a 1-D int64 tensor.</summary>
    public static string Shape(this OnnxGraphBuilder b, string x, long start, long end) =>
        b.Node("Shape", [x], OnnxAttribute.Int("start", start), OnnxAttribute.Int("end", end));

    /// <summary>Broadcasts <paramref name="x"/> to the shape held by the 1-D int64 value <paramref name="shape"/>.</summary>
    public static string Expand(this OnnxGraphBuilder b, string x, string shape) => b.Node("Expand", [x, shape]);

    /// <summary>
    /// A float32 tensor <c>[N, trailing…]</c> filled with <paramref name="value"/>, N being the batch size of
    /// <paramref name="like"/>: per-row constants such as a layer's data-independent log-determinant.
    /// </summary>
    /// <param name="b">The graph under construction.</param>
    /// <param name="like">A value whose first dimension is the batch.</param>
    /// <param name="value">The fill value.</param>
    /// <param name="trailingDims">The fixed sizes after the batch dimension (none for an <c>[N]</c> vector).</param>
    public static string Fill(this OnnxGraphBuilder b, string like, float value, params long[] trailingDims)
    {
        var batch = b.Shape(like, 0, 1);
        var shape = trailingDims.Length == 0 ? batch : b.Concat(0, batch, b.Int64s("trailing", trailingDims));
        return b.Expand(b.Scalar(value), shape);
    }

    /// <summary>
    /// <c>out[i][j][k] = x[i][j][index[i][j][k]]</c> for <paramref name="axis"/> 2 (and likewise for other axes):
    /// torch's <c>gather</c>; <paramref name="index"/> is int64 of the same rank as <paramref name="x"/>.
    /// </summary>
    public static string GatherElements(this OnnxGraphBuilder b, string x, string index, long axis) =>
        b.Node("GatherElements", [x, index], OnnxAttribute.Int("axis", axis));

    /// <summary>Elementwise clamp of the int64 <paramref name="x"/> to <c>[min, max]</c> (index arithmetic).</summary>
    public static string ClipInt64(this OnnxGraphBuilder b, string x, long min, long max) =>
        b.Node("Clip", [x, b.Int64Scalar(min), b.Int64Scalar(max)]);

    /// <summary>Elementwise <c>a == other</c> (bool), for integer indices.</summary>
    public static string Equal(this OnnxGraphBuilder b, string a, string other) => b.Node("Equal", [a, other]);

    /// <summary>Maximum over <paramref name="axes"/> (in opset 17 still an attribute, unlike ReduceSum's operand).</summary>
    public static string ReduceMax(this OnnxGraphBuilder b, string x, long[] axes, bool keepDims = false) =>
        b.Node("ReduceMax", [x], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>An int64 scalar constant (shape <c>[]</c>), for index arithmetic.</summary>
    public static string Int64Scalar(this OnnxGraphBuilder b, long value) => b.AddInt64Initializer("const", [value]);

    /// <summary>Converts <paramref name="x"/> to int64 (from bool: false 0, true 1).</summary>
    public static string ToInt64(this OnnxGraphBuilder b, string x) => b.Cast(x, TensorProto.Types.DataType.Int64);
}
