using System.Globalization;
using Gcl.MLNet.Onnx.Protobuf;
using Google.Protobuf;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Builds one ONNX model (IR version 8, opset 17 of the default <c>ai.onnx</c> domain) node by node: float32
/// initializers, nodes with generated unique value names, graph inputs and outputs whose first dimension is the
/// symbolic batch dimension <see cref="BatchDimension"/>, and metadata. Op-specific helpers are in
/// <see cref="OnnxOps"/>; attribute values come from <see cref="OnnxAttribute"/>.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>The IR version written (8: understood by ONNX Runtime 1.10 and later).</summary>
    public const long IrVersion = 8;

    /// <summary>The <c>ai.onnx</c> opset every node binds to (DESIGN.md section 5).</summary>
    public const long OpsetVersion = 17;

    /// <summary>The name of the symbolic batch dimension of every graph input and output.</summary>
    public const string BatchDimension = "N";

    /// <summary>The producer name written into the model.</summary>
    public const string ProducerName = "Gcl.MLNet";

    private readonly GraphProto graph;
    private readonly List<StringStringEntryProto> metadata = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    /// <summary>Starts an empty graph.</summary>
    /// <param name="graphName">The graph's name (shown by model viewers).</param>
    public OnnxGraphBuilder(string graphName = "gcl_mlnet")
    {
        graph = new GraphProto { Name = graphName };
    }

    /// <summary>Adds a float32 constant of the given shape; returns its (unique) value name.</summary>
    /// <param name="hint">Readable stem of the name (e.g. <c>layer0.weight</c>).</param>
    /// <param name="values">The elements in row-major order.</param>
    /// <param name="dims">The shape; empty for a scalar.</param>
    /// <exception cref="ArgumentException">The element count does not match the shape.</exception>
    public string AddInitializer(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = NewTensor(hint, DataType.Float, values.Length, dims);
        tensor.FloatData.Add(values.ToArray());
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a TorchSharp tensor (any dtype and device) as a float32 constant of the same shape.</summary>
    /// <param name="hint">Readable stem of the name.</param>
    /// <param name="tensor">The values; converted to float32 on the CPU, the tensor itself is left unchanged.</param>
    public string AddInitializer(string hint, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
        return AddInitializer(hint, values, tensor.shape);
    }

    /// <summary>Adds a float32 constant converted from double values (standardizer statistics, log Z).</summary>
    /// <param name="hint">Readable stem of the name.</param>
    /// <param name="values">The elements in row-major order.</param>
    /// <param name="dims">The shape; empty for a scalar.</param>
    public string AddInitializer(string hint, IReadOnlyList<double> values, params long[] dims) =>
        AddInitializer(hint, values.Select(v => (float)v).ToArray(), dims);

    /// <summary>
    /// Adds a TorchSharp tensor as a float64 constant of the same shape, for the few terms float32 cannot hold (a kernel's
    /// scaled centers, whose products cancel to far smaller results).
    /// </summary>
    /// <param name="hint">Readable stem of the name.</param>
    /// <param name="tensor">The values; converted to float64 on the CPU, the tensor itself is left unchanged.</param>
    public string AddDoubleInitializer(string hint, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().to(ScalarType.Float64, CPU).contiguous().data<double>().ToArray();
        var proto = NewTensor(hint, DataType.Double, values.Length, tensor.shape);
        proto.DoubleData.Add(values);
        graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>Adds an int64 constant (axes, split sizes, slice bounds, gather indices).</summary>
    /// <param name="hint">Readable stem of the name.</param>
    /// <param name="values">The elements in row-major order.</param>
    /// <param name="dims">The shape; empty for a scalar.</param>
    public string AddInt64Initializer(string hint, ReadOnlySpan<long> values, params long[] dims)
    {
        var tensor = NewTensor(hint, DataType.Int64, values.Length, dims);
        tensor.Int64Data.Add(values.ToArray());
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Appends a node with one output; returns the output's generated value name.</summary>
    /// <param name="opType">The <c>ai.onnx</c> operator, e.g. <c>MatMul</c>.</param>
    /// <param name="inputs">Input value names in the operator's order (<c>""</c> skips an optional input).</param>
    /// <param name="attributes">Attributes from <see cref="OnnxAttribute"/>.</param>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        NodeOutputs(opType, inputs, 1, attributes)[0];

    /// <summary>Appends a node with several outputs (e.g. <c>Split</c>); returns their generated value names.</summary>
    /// <param name="opType">The <c>ai.onnx</c> operator.</param>
    /// <param name="inputs">Input value names in the operator's order.</param>
    /// <param name="outputCount">How many outputs the node has.</param>
    /// <param name="attributes">Attributes from <see cref="OnnxAttribute"/>.</param>
    public string[] NodeOutputs(string opType, IReadOnlyList<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputCount);
        var outputs = Enumerable.Range(0, outputCount).Select(_ => Fresh(opType)).ToArray();
        AddNode(opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>Declares a graph input of shape <c>[N, trailing…]</c>; returns its name, usable as a node input.</summary>
    /// <param name="name">The input name hosts bind to (e.g. the feature column <c>Features</c>).</param>
    /// <param name="elementType">The element type, float32 for every Gcl.MLNet input.</param>
    /// <param name="trailingDims">The fixed sizes after the batch dimension.</param>
    public string AddInput(string name, DataType elementType, params long[] trailingDims) => AddInput(name, "", elementType, trailingDims);

    /// <summary>Declares a graph input of shape <c>[N, trailing…]</c> with a doc string; returns its name.</summary>
    /// <param name="name">The input name hosts bind to.</param>
    /// <param name="doc">What the input holds and in which units (the input's <c>doc_string</c>).</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="trailingDims">The fixed sizes after the batch dimension.</param>
    public string AddInput(string name, string doc, DataType elementType, params long[] trailingDims)
    {
        Claim(name);
        var info = ValueInfo(name, elementType, trailingDims);
        if (doc.Length > 0) info.DocString = doc;
        graph.Input.Add(info);
        return name;
    }

    /// <summary>Declares a graph output named <paramref name="name"/> of shape <c>[N, trailing…]</c> holding <paramref name="value"/>.</summary>
    /// <param name="value">The value computed by the graph (an <c>Identity</c> node renames it).</param>
    /// <param name="name">The plain output name hosts read (e.g. <c>LogDensity</c>).</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="trailingDims">The fixed sizes after the batch dimension (none for a <c>[N]</c> vector).</param>
    public void AddOutput(string value, string name, DataType elementType, params long[] trailingDims) =>
        AddOutput(value, name, "", elementType, trailingDims);

    /// <summary>Declares a graph output with a doc string (see the overload without one).</summary>
    /// <param name="value">The value computed by the graph.</param>
    /// <param name="name">The plain output name hosts read.</param>
    /// <param name="doc">What the output holds and in which units (the output's <c>doc_string</c>).</param>
    /// <param name="elementType">The element type.</param>
    /// <param name="trailingDims">The fixed sizes after the batch dimension.</param>
    public void AddOutput(string value, string name, string doc, DataType elementType, params long[] trailingDims)
    {
        Claim(name);
        AddNode("Identity", new[] { value }, new[] { name }, Array.Empty<AttributeProto>());
        var info = ValueInfo(name, elementType, trailingDims);
        if (doc.Length > 0) info.DocString = doc;
        graph.Output.Add(info);
    }

    /// <summary>Gets or sets the graph's <c>doc_string</c> (empty for none).</summary>
    public string GraphDoc { get; set; } = "";

    /// <summary>Gets or sets the model's <c>model_version</c> (0 for none).</summary>
    public long ModelVersion { get; set; }

    /// <summary>Adds (or replaces) a metadata property of the model.</summary>
    /// <param name="key">The property name.</param>
    /// <param name="value">The property value.</param>
    public void AddMetadata(string key, string value)
    {
        metadata.RemoveAll(entry => entry.Key == key);
        metadata.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    /// <summary>Returns the model: the graph so far, opset 17, IR version 8, producer and metadata.</summary>
    public ModelProto ToModel()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph.Clone(),
        };
        if (GraphDoc.Length > 0) model.Graph.DocString = GraphDoc;
        if (ModelVersion != 0) model.ModelVersion = ModelVersion;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        model.MetadataProps.Add(metadata.Select(entry => entry.Clone()));
        return model;
    }

    /// <summary>Returns the serialized model, the bytes of a <c>.onnx</c> file.</summary>
    public byte[] Build() => ToModel().ToByteArray();

    private TensorProto NewTensor(string hint, DataType type, int count, long[] dims)
    {
        long expected = dims.Aggregate(1L, (product, dim) => product * dim);
        if (expected != count)
        {
            throw new ArgumentException(
                $"Initializer '{hint}' has {count} values but shape [{string.Join(", ", dims)}] needs {expected}.", nameof(dims));
        }
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)type };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private void AddNode(string opType, IReadOnlyList<string> inputs, string[] outputs, AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = "", Name = $"{opType}_{graph.Node.Count}" };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        node.Attribute.Add(attributes);
        graph.Node.Add(node);
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, long[] trailingDims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        shape.Dim.Add(trailingDims.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private string Fresh(string hint)
    {
        string name;
        do name = $"{hint}_{counter++.ToString(CultureInfo.InvariantCulture)}";
        while (names.Contains(name));
        Claim(name);
        return name;
    }

    private void Claim(string name)
    {
        if (!names.Add(name)) throw new ArgumentException($"The ONNX value name '{name}' is already used in this graph.", nameof(name));
    }
}
