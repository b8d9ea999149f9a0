using Gcl.MLNet.Onnx.Protobuf;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// One helper per <c>ai.onnx</c> opset-17 operator the exporters use, on top of <see cref="OnnxGraphBuilder.Node"/>.
/// Each takes and returns value names and writes the opset-17 form of the operator: since opset 13 the axes of
/// ReduceSum, Squeeze and Unsqueeze and the sizes of Split are int64 <em>inputs</em>, not attributes, and these
/// helpers add them as initializers. Elementwise binary operators broadcast like numpy.
/// </summary>
internal static class OnnxOps
{
    /// <summary>A float32 scalar constant (shape <c>[]</c>), for broadcasting against any tensor.</summary>
    public static string Scalar(this OnnxGraphBuilder b, float value) => b.AddInitializer("const", [value]);

    /// <summary>Matrix product <c>a @ b</c> (numpy semantics, batched over leading dimensions).</summary>
    public static string MatMul(this OnnxGraphBuilder b, string a, string other) => b.Node("MatMul", [a, other]);

    /// <summary>Elementwise <c>a + other</c>.</summary>
    public static string Add(this OnnxGraphBuilder b, string a, string other) => b.Node("Add", [a, other]);

    /// <summary>Elementwise <c>a - other</c>.</summary>
    public static string Sub(this OnnxGraphBuilder b, string a, string other) => b.Node("Sub", [a, other]);

    /// <summary>Elementwise <c>a * other</c>.</summary>
    public static string Mul(this OnnxGraphBuilder b, string a, string other) => b.Node("Mul", [a, other]);

    /// <summary>Elementwise <c>a / other</c>.</summary>
    public static string Div(this OnnxGraphBuilder b, string a, string other) => b.Node("Div", [a, other]);

    /// <summary>Elementwise <c>-x</c>.</summary>
    public static string Neg(this OnnxGraphBuilder b, string x) => b.Node("Neg", [x]);

    /// <summary>Elementwise logistic sigmoid.</summary>
    public static string Sigmoid(this OnnxGraphBuilder b, string x) => b.Node("Sigmoid", [x]);

    /// <summary>Elementwise <c>exp(x)</c>.</summary>
    public static string Exp(this OnnxGraphBuilder b, string x) => b.Node("Exp", [x]);

    /// <summary>Elementwise natural logarithm.</summary>
    public static string Log(this OnnxGraphBuilder b, string x) => b.Node("Log", [x]);

    /// <summary>Elementwise hyperbolic tangent.</summary>
    public static string Tanh(this OnnxGraphBuilder b, string x) => b.Node("Tanh", [x]);

    /// <summary>Elementwise <c>log(1 + exp(x))</c>.</summary>
    public static string Softplus(this OnnxGraphBuilder b, string x) => b.Node("Softplus", [x]);

    /// <summary>Elementwise square root.</summary>
    public static string Sqrt(this OnnxGraphBuilder b, string x) => b.Node("Sqrt", [x]);

    /// <summary>Elementwise maximum of <paramref name="a"/> and <paramref name="other"/> (broadcasting).</summary>
    public static string Max(this OnnxGraphBuilder b, string a, string other) => b.Node("Max", [a, other]);

    /// <summary>Elementwise clamp of <paramref name="x"/> to <c>[min, max]</c>.</summary>
    public static string Clip(this OnnxGraphBuilder b, string x, float min, float max) =>
        b.Node("Clip", [x, b.Scalar(min), b.Scalar(max)]);

    /// <summary>Elementwise SiLU <c>x * sigmoid(x)</c> (opset 17 has no SiLU operator).</summary>
    public static string Silu(this OnnxGraphBuilder b, string x) => b.Mul(x, b.Sigmoid(x));

    /// <summary>Elementwise <c>log(exp(a) + exp(other))</c>, shifted by the larger so neither exp overflows (composite).</summary>
    public static string LogAddExp(this OnnxGraphBuilder b, string a, string other)
    {
        var top = b.Max(a, other);
        return b.Add(top, b.Log(b.Add(b.Exp(b.Sub(a, top)), b.Exp(b.Sub(other, top)))));
    }

    /// <summary>Sum over <paramref name="axes"/>, dropping them unless <paramref name="keepDims"/>.</summary>
    public static string ReduceSum(this OnnxGraphBuilder b, string x, long[] axes, bool keepDims = false) =>
        b.Node("ReduceSum", [x, b.Int64s("axes", axes)], OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Joins tensors along <paramref name="axis"/>.</summary>
    public static string Concat(this OnnxGraphBuilder b, long axis, params string[] inputs) =>
        b.Node("Concat", inputs, OnnxAttribute.Int("axis", axis));

    /// <summary>Splits <paramref name="x"/> along <paramref name="axis"/> into parts of the given sizes.</summary>
    public static string[] Split(this OnnxGraphBuilder b, string x, long axis, params long[] sizes) =>
        b.NodeOutputs("Split", [x, b.Int64s("split", sizes)], sizes.Length,
            OnnxAttribute.Int("axis", axis));

    /// <summary>Elements <c>[start, end)</c> of <paramref name="x"/> along <paramref name="axis"/>.</summary>
    public static string Slice(this OnnxGraphBuilder b, string x, long axis, long start, long end) =>
        b.Node("Slice", [x, b.Int64s("starts", start), b.Int64s("ends", end), b.Int64s("axes", axis)]);

    /// <summary>Picks the entries <paramref name="indices"/> of <paramref name="x"/> along <paramref name="axis"/> (a permutation, for instance).</summary>
    public static string Gather(this OnnxGraphBuilder b, string x, long axis, params long[] indices) =>
        b.Node("Gather", [x, b.Int64s("indices", indices)], OnnxAttribute.Int("axis", axis));

    /// <summary>Elementwise <c>condition ? whenTrue : whenFalse</c>.</summary>
    public static string Where(this OnnxGraphBuilder b, string condition, string whenTrue, string whenFalse) =>
        b.Node("Where", [condition, whenTrue, whenFalse]);

    /// <summary>Elementwise <c>a &lt; other</c> (bool).</summary>
    public static string Less(this OnnxGraphBuilder b, string a, string other) => b.Node("Less", [a, other]);

    /// <summary>Elementwise <c>a &gt; other</c> (bool).</summary>
    public static string Greater(this OnnxGraphBuilder b, string a, string other) => b.Node("Greater", [a, other]);

    /// <summary>Elementwise <c>a &gt;= other</c> (bool).</summary>
    public static string GreaterOrEqual(this OnnxGraphBuilder b, string a, string other) => b.Node("GreaterOrEqual", [a, other]);

    /// <summary>Elementwise <c>a &lt;= other</c> (bool).</summary>
    public static string LessOrEqual(this OnnxGraphBuilder b, string a, string other) => b.Node("LessOrEqual", [a, other]);

    /// <summary>Elementwise logical <c>a and other</c> of bool tensors.</summary>
    public static string And(this OnnxGraphBuilder b, string a, string other) => b.Node("And", [a, other]);

    /// <summary>Converts <paramref name="x"/> to the element type <paramref name="to"/>.</summary>
    public static string Cast(this OnnxGraphBuilder b, string x, TensorProto.Types.DataType to) =>
        b.Node("Cast", [x], OnnxAttribute.Int("to", (long)to));

    /// <summary>Inserts size-1 dimensions at <paramref name="axes"/>.</summary>
    public static string Unsqueeze(this OnnxGraphBuilder b, string x, params long[] axes) =>
        b.Node("Unsqueeze", [x, b.Int64s("axes", axes)]);

    /// <summary>Removes the size-1 dimensions at <paramref name="axes"/>.</summary>
    public static string Squeeze(this OnnxGraphBuilder b, string x, params long[] axes) =>
        b.Node("Squeeze", [x, b.Int64s("axes", axes)]);

    /// <summary>A copy of <paramref name="x"/> under a new name.</summary>
    public static string Identity(this OnnxGraphBuilder b, string x) => b.Node("Identity", [x]);

    /// <summary>A 1-D int64 constant: the operand form opset 13+ uses for axes, split sizes, slice bounds and shapes.</summary>
    public static string Int64s(this OnnxGraphBuilder b, string hint, params long[] values) =>
        b.AddInt64Initializer(hint, values, values.Length);
}
