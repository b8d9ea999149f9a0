using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Gcl.MLNet.Onnx.Protobuf;
using Google.Protobuf;
using Xunit;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class OnnxGraphBuilderTests
{
    [Fact]
    public void ModelDeclaresOpset17IrVersion8AndTheProducer()
    {
        var model = ModelProto.Parser.ParseFrom(DoublingModel());

        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal(8, model.IrVersion);
        Assert.Equal("Gcl.MLNet", model.ProducerName);
        Assert.Equal(typeof(OnnxGraphBuilder).Assembly.GetName().Version!.ToString(), model.ProducerVersion);
    }

    [Fact]
    public void InputIsNamedLikeTheFeatureColumnWithASymbolicBatchDimension()
    {
        using var runner = new OnnxTestRunner(DoublingModel());

        var input = Assert.Single(runner.Session.InputMetadata);
        Assert.Equal("Features", input.Key);
        Assert.Equal(new[] { -1, 3 }, input.Value.Dimensions);
        Assert.Equal("N", input.Value.SymbolicDimensions[0]);
        var output = Assert.Single(runner.Session.OutputMetadata);
        Assert.Equal("Doubled", output.Key);
        Assert.Equal("N", output.Value.SymbolicDimensions[0]);
        var (values, shape) = runner.Run("Doubled", ("Features", [1, 2, 3, 4, 5, 6], [2, 3]));
        Assert.Equal(new long[] { 2, 3 }, shape);
        Assert.Equal(new float[] { 2, 4, 6, 8, 10, 12 }, values);
    }

    [Fact]
    public void MetadataPropertiesRoundTripThroughOnnxRuntime()
    {
        var graph = DoublingGraph();
        graph.AddMetadata("feature_names", "a,b,c");
        graph.AddMetadata("log_z", "1.25");
        graph.AddMetadata("log_z", "-0.5"); // replaces the first value

        using var runner = new OnnxTestRunner(graph.Build());

        var map = runner.Session.ModelMetadata.CustomMetadataMap;
        Assert.Equal(2, map.Count);
        Assert.Equal("a,b,c", map["feature_names"]);
        Assert.Equal("-0.5", map["log_z"]);
        Assert.Equal("Gcl.MLNet", runner.Session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void ModelRoundTripsThroughTheParserByteForByte()
    {
        var graph = DoublingGraph();
        graph.AddMetadata("threshold", "3.5");
        var model = graph.ToModel();
        var bytes = graph.Build();

        var parsed = ModelProto.Parser.ParseFrom(bytes);

        Assert.Equal(model, parsed);
        Assert.Equal(bytes, parsed.ToByteArray());
        Assert.Equal(["Mul", "Identity"], parsed.Graph.Node.Select(node => node.OpType));
    }

    [Fact]
    public void TensorInitializersAreFloat32WithTheTensorsShape()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var graph = new OnnxGraphBuilder();
        var source = tensor(new double[] { 1.5, -2, 3, 0.1, 5, 6 }, 2, 3);

        var name = graph.AddInitializer("w", source);

        var initializer = Assert.Single(graph.ToModel().Graph.Initializer);
        Assert.Equal(name, initializer.Name);
        Assert.Equal((int)DataType.Float, initializer.DataType);
        Assert.Equal(new long[] { 2, 3 }, initializer.Dims);
        Assert.Equal(new float[] { 1.5f, -2, 3, 0.1f, 5, 6 }, initializer.FloatData);
        Assert.Equal(ScalarType.Float64, source.dtype);
    }

    [Fact]
    public void GeneratedNamesAreUniqueAndDeclaredNamesCannotRepeat()
    {
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("Features", DataType.Float, 2);
        var names = Enumerable.Range(0, 5).Select(_ => graph.Neg(x)).Append(graph.Scalar(1)).Append(graph.Scalar(1)).ToArray();

        Assert.Equal(names.Length, names.Distinct().Count());
        var error = Assert.Throws<ArgumentException>(() => graph.AddOutput(names[0], "Features", DataType.Float, 2));
        Assert.Contains("'Features' is already used", error.Message);
    }

    [Fact]
    public void InitializerWithTheWrongElementCountIsRefused()
    {
        var graph = new OnnxGraphBuilder();

        var error = Assert.Throws<ArgumentException>(() => graph.AddInitializer("w", [1f, 2f, 3f], 2, 2));

        Assert.StartsWith("Initializer 'w' has 3 values but shape [2, 2] needs 4.", error.Message);
    }

    private static OnnxGraphBuilder DoublingGraph()
    {
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("Features", DataType.Float, 3);
        graph.AddOutput(graph.Mul(x, graph.Scalar(2)), "Doubled", DataType.Float, 3);
        return graph;
    }

    private static byte[] DoublingModel() => DoublingGraph().Build();
}
