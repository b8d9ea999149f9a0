using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="InvertibleLinear"/> in the direction of <typeparamref name="TStep"/> as one <c>MatMul</c>
/// by a constant: forward <c>x = z Wᵀ</c> with <c>W = P L U</c>, inverse <c>z = x W⁻ᵀ</c> with
/// <c>W⁻¹ = U⁻¹ L⁻¹ Pᵀ</c> by two triangular solves, both composed in double precision from the factors and
/// stored as float32. The log|det| does not depend on the row: <c>±sum(log diag U)</c> filled over the batch.
/// </summary>
/// <typeparam name="TStep">The direction translated.</typeparam>
internal sealed class InvertibleLinearEmitter<TStep> : OnnxEmitter<InvertibleLinear, TStep>
    where TStep : struct, IOnnxFlowStep<TStep>
{
    /// <inheritdoc />
    public override TStep Emit(OnnxGraphBuilder graph, InvertibleLinear module, string input, OnnxEmitters emitters)
    {
        using var scope = torch.NewDisposeScope();
        var permutation = module.Permutation.detach().to(ScalarType.Float64);
        var lower = module.LowerFactor().detach().to(ScalarType.Float64);
        var logDiagonal = module.LogDiagonal.detach().to(ScalarType.Float64);
        var upper = module.UpperFactor().detach().to(ScalarType.Float64).triu(1).Plus(diag(logDiagonal.exp()));
        var matrix = TStep.IsInverse
            ? linalg.solve_triangular(upper, linalg.solve_triangular(lower, permutation.t(), upper: false, unitriangular: true), upper: true)
            : permutation.matmul(lower).matmul(upper);
        var output = graph.MatMul(input, graph.AddInitializer("linear_matrix_t", matrix.t()));
        double logAbsDet = logDiagonal.sum().item<double>();
        return TStep.Create(output, graph.Fill(input, (float)(TStep.IsInverse ? -logAbsDet : logAbsDet)));
    }
}
