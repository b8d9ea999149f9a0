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
        using var noGrad = no_grad();
        foreach (var layer in mlp.Layers)
        {
            var weight = layer.weight!;
            weight.copy_(randn(weight.shape, generator: generator) * (1.5 / Math.Sqrt(weight.shape[1])));
            layer.bias!.copy_(randn(layer.bias.shape, generator: generator) * 0.5);
        }
        return mlp;
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
}
