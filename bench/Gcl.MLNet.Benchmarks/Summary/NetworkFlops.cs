using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Networks;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Floating-point operations per scored row, counted from the layer shapes of the networks that scoring evaluates
/// (E(u) of the default tilted energy is the reference flow's inverse with its log-det, plus the tilt MLP):
/// 2·in·out per linear layer (one multiply and one add per weight) of every conditioner and energy MLP, and 2·d²
/// per invertible linear map. Elementwise work (biases, SiLU, tanh, exp, ActNorm, log-det sums) is left out, so
/// GFLOP/s from this count understate the arithmetic done and compare directly with the matmul peak.
/// </summary>
internal static class NetworkFlops
{
    /// <summary>FLOPs per row of E(u).</summary>
    public static long PerRow(EnergyFunction energy) => energy switch
    {
        TiltedFlowEnergy tilted => PerRow(tilted.Reference) + PerRow(tilted.Tilt),
        MlpEnergy mlp => PerRow(mlp.Network),
        _ => throw new NotSupportedException($"No FLOP count for {energy.GetType().Name}."),
    };

    /// <summary>FLOPs per row of the flow's log q (either direction costs the same).</summary>
    public static long PerRow(NormalizingFlow flow) => flow.Layers.Sum(layer => layer switch
    {
        InvertibleLinear => 2L * flow.Dimension * flow.Dimension,
        CouplingBijector coupling => PerRow(coupling.Conditioner),
        _ => 0L,
    });

    /// <summary>FLOPs per row of an MLP.</summary>
    public static long PerRow(Mlp mlp) => mlp.Layers.Sum(LinearFlops);

    /// <summary>
    /// FLOPs per batch row of one adversarial iteration, a backward pass counted as twice its forward. The draw: the
    /// flow forward (samples) and the energy's fixed part on them (a tilted energy's reference flow). Discriminator
    /// step: the flow inverse (log q of the data) without gradients, the whole energy on the data, the trainable part
    /// (the tilt of a tilted energy, the whole free-form energy) on the samples, and backward through the trainable
    /// part for both. Generator step: the trainable part on the samples again, and backward through the samples' whole
    /// energy and the flow.
    /// </summary>
    public static long PerIterationRow(EnergyFunction energy, NormalizingFlow generator)
    {
        long flow = PerRow(generator), whole = PerRow(energy), trainable = TrainablePerRow(energy);
        long draw = flow + (whole - trainable);
        long discriminator = flow + whole + trainable + 2 * (2 * trainable);
        long generatorStep = trainable + 2 * (flow + whole);
        return draw + discriminator + generatorStep;
    }

    /// <summary>FLOPs per batch row of one maximum-likelihood step: the flow's inverse and its backward.</summary>
    public static long WarmStartRow(NormalizingFlow flow) => 3 * PerRow(flow);

    /// <summary>The (in, out) shapes of every linear layer the energy evaluates, for a GEMM-only timing.</summary>
    public static IEnumerable<(long In, long Out)> LinearShapes(EnergyFunction energy) => energy switch
    {
        TiltedFlowEnergy tilted => LinearShapes(tilted.Reference).Concat(Shapes(tilted.Tilt)),
        MlpEnergy mlp => Shapes(mlp.Network),
        _ => throw new NotSupportedException($"No shapes for {energy.GetType().Name}."),
    };

    /// <summary>The (in, out) shapes of the flow's linear maps: conditioner layers and invertible linear maps.</summary>
    public static IEnumerable<(long In, long Out)> LinearShapes(NormalizingFlow flow) => flow.Layers.SelectMany(layer => layer switch
    {
        CouplingBijector coupling => Shapes(coupling.Conditioner),
        InvertibleLinear => [((long)flow.Dimension, (long)flow.Dimension)],
        _ => Enumerable.Empty<(long, long)>(),
    });

    // The energy's trainable part: the tilt of a tilted energy (its reference flow is frozen), the whole free-form energy.
    private static long TrainablePerRow(EnergyFunction energy) => energy switch
    {
        TiltedFlowEnergy tilted => PerRow(tilted.Tilt),
        _ => PerRow(energy),
    };

    private static long LinearFlops(TorchSharp.Modules.Linear layer) => 2L * layer.weight!.shape[0] * layer.weight.shape[1];

    private static IEnumerable<(long In, long Out)> Shapes(Mlp mlp) => mlp.Layers.Select(l => (l.weight!.shape[1], l.weight.shape[0]));
}
