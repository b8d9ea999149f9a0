using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates <see cref="KernelMixtureEnergy"/>: <c>E'(u) = -logaddexp(log(1 - w) - E(u), log w + log Zhat + log K(u))</c>,
/// with log K a log-sum-exp over the centers of <c>(u·c - |c|²/2) / σ²</c> (one MatMul against centers scaled at export)
/// less <c>|u|² / (2σ²)</c>, in float64 as the TorchSharp module computes it (the terms cancel), without the centers the
/// row coincides with, each exponent shifted by the row's largest and floored at <see cref="KernelMixtureEnergy.ExponentFloor"/>.
/// </summary>
internal sealed class KernelMixtureEnergyEmitter : OnnxEmitter<KernelMixtureEnergy, string>
{
    /// <inheritdoc />
    public override string Emit(OnnxGraphBuilder graph, KernelMixtureEnergy module, string input, OnnxEmitters emitters)
    {
        var innerEnergy = emitters.Emit(graph, module.Inner, input);
        double precision = 1 / (module.Bandwidth * module.Bandwidth);
        string scaledCenters, centerTerms, rowScale, floor, selfScale, selfOffset, excluded, lowest;
        using (var scope = NewDisposeScope())
        {
            var centers = module.Centers.detach().to(ScalarType.Float64);
            string Constant(string name, double value) => graph.AddDoubleInitializer(name, tensor(value, ScalarType.Float64));
            scaledCenters = graph.AddDoubleInitializer("kernel_centers_t", centers.t().Times(precision));
            centerTerms = graph.AddDoubleInitializer("kernel_center_terms", centers.Squared().sum(dim: 1).Times(-0.5 * precision).unsqueeze(0));
            rowScale = Constant("kernel_row_scale", -0.5 * precision);
            floor = Constant("kernel_exponent_floor", KernelMixtureEnergy.ExponentFloor);
            // A center the row coincides with, |u - c|² <= s (1 + |u|²), has exponent >= (|u|² (1 - s) - s) σ⁻² / 2.
            selfScale = Constant("kernel_self_scale", 0.5 * precision * (1 - KernelMixtureEnergy.SelfDistance));
            selfOffset = Constant("kernel_self_offset", -0.5 * precision * KernelMixtureEnergy.SelfDistance);
            excluded = Constant("kernel_excluded", double.NegativeInfinity);
            lowest = Constant("kernel_lowest", -double.MaxValue);
        }
        // In float64: the row and center terms are each about |u|² / (2σ²), and their sum far smaller.
        var u = graph.Cast(input, DataType.Double);
        var rowNorms = graph.ReduceSum(graph.Mul(u, u), [1], keepDims: true);
        var products = graph.Add(graph.MatMul(u, scaledCenters), centerTerms);
        var self = graph.GreaterOrEqual(products, graph.Add(graph.Mul(rowNorms, selfScale), selfOffset));
        var exponent = graph.Where(self, excluded, products);
        var top = graph.Max(graph.ReduceMax(exponent, [1], keepDims: true), lowest);
        var rowTerm = graph.Mul(graph.Squeeze(rowNorms, 1), rowScale);
        var logSum = graph.Cast(graph.Add(graph.Add(graph.Squeeze(top, 1), graph.Log(graph.ReduceSum(graph.Exp(graph.Max(graph.Sub(exponent, top), floor)), [1]))), rowTerm), DataType.Float);
        double kernelOffset = Math.Log(module.Weight) + module.LogScale - Math.Log(module.CenterCount) + 0.5 * module.Dimension * Math.Log(precision / (2 * Math.PI));
        var a = graph.Sub(graph.Scalar((float)Math.Log(1 - module.Weight)), innerEnergy);
        var b = graph.Add(logSum, graph.Scalar((float)kernelOffset));
        return graph.Neg(graph.LogAddExp(a, b));
    }
}
