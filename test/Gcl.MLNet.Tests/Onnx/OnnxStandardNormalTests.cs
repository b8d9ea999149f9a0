using Gcl.MLNet.Onnx;
using Xunit;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxStandardNormalTests
{
    [Fact]
    public void LogDensityOfEachRowMatchesTheClosedForm()
    {
        float[] rows = [0, 0, 0, 1, -2, 0.5f, 3, 3, -3];
        var graph = new OnnxGraphBuilder();
        var z = graph.AddInput("z", DataType.Float, 3);
        graph.AddOutput(graph.StandardNormalLogDensity(z, 3), "log_density", DataType.Float);
        using var runner = new OnnxTestRunner(graph.Build());

        var (values, shape) = runner.Run("log_density", ("z", rows, [3, 3]));

        Assert.Equal(new long[] { 3 }, shape);
        double constant = 1.5 * Math.Log(2 * Math.PI);
        OnnxTestRunner.AssertClose([(float)-constant, (float)(-2.625 - constant), (float)(-13.5 - constant)], values);
    }

    [Fact]
    public void DimensionMustBePositive()
    {
        var graph = new OnnxGraphBuilder();

        Assert.Throws<ArgumentOutOfRangeException>(() => graph.StandardNormalLogDensity("z", 0));
    }
}
