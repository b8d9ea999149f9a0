using Gcl.MLNet.Onnx.Protobuf;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The opset-17 operators that reshape, pad, accumulate or index tensors (the flow layers need them; the plain
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

    /// <summary>Pads <paramref name="x"/> with <paramref name="value"/>: <paramref name="pads"/> lists the counts before each axis, then after each axis.</summary>
    public static string Pad(this OnnxGraphBuilder b, string x, float value, params long[] pads) =>
        b.Node("Pad", [x, b.Int64s("pads", pads), b.Scalar(value)], OnnxAttribute.String("mode", "constant"));

    /// <summary>Running sums along <paramref name="axis"/>; <paramref name="exclusive"/> starts at 0 and leaves the last element out.</summary>
    public static string CumSum(this OnnxGraphBuilder b, string x, long axis, bool exclusive = false) =>
        b.Node("CumSum", [x, b.AddInt64Initializer("axis", [axis])], OnnxAttribute.Int("exclusive", exclusive ? 1 : 0));

    /// <summary>Softmax along <paramref name="axis"/> (the opset-13+ form: one axis, not a flattened suffix).</summary>
    public static string Softmax(this OnnxGraphBuilder b, string x, long axis) =>
        b.Node("Softmax", [x], OnnxAttribute.Int("axis", axis));

    /// <summary>
    /// <c>out[i][j][k] = x[i][j][index[i][j][k]]</c> for <paramref name="axis"/> 2 (and likewise for other axes):
    /// torch's <c>gather</c>; <paramref name="index"/> is int64 of the same rank as <paramref name="x"/>.
    /// </summary>
    public static string GatherElements(this OnnxGraphBuilder b, string x, string index, long axis) =>
        b.Node("GatherElements", [x, index], OnnxAttribute.Int("axis", axis));

    /// <summary>An int64 scalar constant (shape <c>[]</c>), for index arithmetic.</summary>
    public static string Int64Scalar(this OnnxGraphBuilder b, long value) => b.AddInt64Initializer("const", [value]);

    /// <summary>Converts <paramref name="x"/> to int64 (from bool: false 0, true 1).</summary>
    public static string ToInt64(this OnnxGraphBuilder b, string x) => b.Cast(x, TensorProto.Types.DataType.Int64);
}
