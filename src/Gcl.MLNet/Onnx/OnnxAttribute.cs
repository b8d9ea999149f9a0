using Gcl.MLNet.Onnx.Protobuf;
using Google.Protobuf;
using AttributeType = Gcl.MLNet.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Makes node attributes with the type discriminator ONNX requires set to match the one value field in use.
/// </summary>
internal static class OnnxAttribute
{
    /// <summary>An integer attribute (axis, keepdims, to, transB…).</summary>
    /// <param name="name">The attribute name in the operator's schema.</param>
    /// <param name="value">The value; zero is written too (the field has explicit presence).</param>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeType.Int, I = value };

    /// <summary>A float attribute (alpha, beta, epsilon…).</summary>
    /// <param name="name">The attribute name in the operator's schema.</param>
    /// <param name="value">The value.</param>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeType.Float, F = value };

    /// <summary>A UTF-8 string attribute (mode, direction…).</summary>
    /// <param name="name">The attribute name in the operator's schema.</param>
    /// <param name="value">The value.</param>
    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A list-of-integers attribute (perm…).</summary>
    /// <param name="name">The attribute name in the operator's schema.</param>
    /// <param name="values">The values.</param>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.Add(values);
        return attribute;
    }
}
