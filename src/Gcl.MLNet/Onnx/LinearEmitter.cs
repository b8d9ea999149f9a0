using TorchSharp;
using TorchSharp.Modules;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="Linear"/> (<c>y = x Wᵀ + b</c>) into <c>MatMul</c> with the weight stored transposed,
/// <c>[in, out]</c>, then <c>Add</c> of the bias. MatMul works for inputs of any rank; ONNX Runtime fuses the pair
/// into one Gemm for 2-D inputs.
/// </summary>
internal sealed class LinearEmitter : OnnxEmitter<Linear, string>
{
    /// <inheritdoc />
    public override string Emit(OnnxGraphBuilder graph, Linear module, string input, OnnxEmitters emitters)
    {
        var weight = module.weight ?? throw new InvalidOperationException("The Linear layer has no weight.");
        using var scope = torch.NewDisposeScope();
        var output = graph.MatMul(input, graph.AddInitializer("linear_weight_t", weight.detach().t()));
        return module.bias is { } bias ? graph.Add(output, graph.AddInitializer("linear_bias", bias)) : output;
    }
}
