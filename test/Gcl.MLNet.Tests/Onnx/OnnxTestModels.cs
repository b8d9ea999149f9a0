using Gcl.MLNet.Energy;
using Gcl.MLNet.Networks;
using Gcl.MLNet.Onnx;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Tests.Onnx;

/// <summary>Networks with random weights large enough that every SiLU works in its curved range, and their graphs.</summary>
internal static class OnnxTestModels
{
    /// <summary>An <see cref="Mlp"/> whose weights are N(0, 1.5²/fan_in) and biases N(0, 0.5²), drawn from <paramref name="generator"/>.</summary>
    public static Mlp RandomMlp(int inputSize, int[] hiddenSizes, int outputSize, Generator generator)
    {
        var mlp = new Mlp("mlp", inputSize, hiddenSizes, outputSize);
        Randomize(mlp, generator);
        return mlp;
    }

    /// <summary>Redraws the weights of <paramref name="mlp"/> as N(0, 1.5²/fan_in) and its biases as N(0, 0.5²).</summary>
    public static void Randomize(Mlp mlp, Generator generator)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var layer in mlp.Layers)
        {
            var weight = layer.weight!;
            weight.copy_(randn(weight.shape, generator: generator) * (1.5 / Math.Sqrt(weight.shape[1])));
            layer.bias!.copy_(randn(layer.bias.shape, generator: generator) * 0.5);
        }
    }

    /// <summary>A model with input <c>Features [N, d]</c> and output <c>Output [N, outputSize]</c> computing <paramref name="mlp"/>.</summary>
    public static byte[] MlpModel(Mlp mlp, int inputSize, int outputSize)
    {
        var graph = new OnnxGraphBuilder();
        var x = graph.AddInput("Features", DataType.Float, inputSize);
        var y = OnnxEmitters.Standard().Emit(graph, mlp, x);
        graph.AddOutput(y, "Output", DataType.Float, outputSize);
        return graph.Build();
    }

    /// <summary>A model with input <c>Features [N, d]</c> (standardized rows) and output <c>Energy [N]</c> computing <paramref name="energy"/>.</summary>
    public static byte[] EnergyOnlyModel(EnergyFunction energy)
    {
        var graph = new OnnxGraphBuilder();
        var u = graph.AddInput("Features", DataType.Float, energy.Dimension);
        graph.AddOutput(OnnxEmitters.Standard().Emit(graph, energy, u), "Energy", DataType.Float);
        return graph.Build();
    }

    /// <summary>The op types of <see cref="EnergyOnlyModel"/>'s graph, in order.</summary>
    public static string[] EnergyOnlyOps(EnergyFunction energy) =>
        Gcl.MLNet.Onnx.Protobuf.ModelProto.Parser.ParseFrom(EnergyOnlyModel(energy)).Graph.Node.Select(node => node.OpType).ToArray();
}
