using Gcl.MLNet.Onnx;
using Gcl.MLNet.Onnx.Protobuf;
using Google.Protobuf;
using Xunit;
using AttributeType = Gcl.MLNet.Onnx.Protobuf.AttributeProto.Types.AttributeType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxAttributeTests
{
    [Fact]
    public void EachFactorySetsTheMatchingTypeAndValue()
    {
        var integer = OnnxAttribute.Int("axis", -1);
        var real = OnnxAttribute.Float("alpha", 0.25f);
        var text = OnnxAttribute.String("mode", "constant");
        var list = OnnxAttribute.Ints("perm", 1, 0);

        Assert.Equal((AttributeType.Int, -1L), (integer.Type, integer.I));
        Assert.Equal((AttributeType.Float, 0.25f), (real.Type, real.F));
        Assert.Equal((AttributeType.String, "constant"), (text.Type, text.S.ToStringUtf8()));
        Assert.Equal(AttributeType.Ints, list.Type);
        Assert.Equal(new long[] { 1, 0 }, list.Ints);
        Assert.Equal(["axis", "alpha", "mode", "perm"], new[] { integer, real, text, list }.Select(a => a.Name));
    }

    [Fact]
    public void ZeroValuesAreWrittenOnTheWire()
    {
        // The ONNX checker wants exactly one value field present: keepdims = 0 must not vanish as a default.
        var parsed = AttributeProto.Parser.ParseFrom(OnnxAttribute.Int("keepdims", 0).ToByteArray());
        var parsedFloat = AttributeProto.Parser.ParseFrom(OnnxAttribute.Float("beta", 0).ToByteArray());

        Assert.True(parsed.HasI);
        Assert.Equal(0, parsed.I);
        Assert.False(parsed.HasF);
        Assert.True(parsedFloat.HasF);
        Assert.False(parsedFloat.HasI);
    }
}
