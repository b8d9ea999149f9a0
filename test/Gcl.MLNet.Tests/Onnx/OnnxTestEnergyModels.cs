using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

/// <summary>
/// Flows, energies and whole <see cref="EnergyModel"/>s built by hand and then perturbed away from their
/// identity-like initialization (zero last layers, unit ActNorms, orthogonal linear maps), so that no layer of an
/// export can be wrong without its parity test seeing it.
/// </summary>
internal static class OnnxTestEnergyModels
{
    /// <summary>A flow of the given kind, ActNorms initialized on <paramref name="data"/> when given, then perturbed.</summary>
    public static NormalizingFlow Flow(int dimension, FlowLayerKind kind, Generator generator, Tensor? data = null,
        int blocks = 2, double splineBound = 2.5)
    {
        var options = new FlowOptions(kind, Blocks: blocks, HiddenWidth: 24, HiddenLayers: 2, SplineBins: 6, SplineBound: splineBound, LogScaleBound: 1.5);
        var flow = NormalizingFlow.Create(dimension, options, seed: 11);
        if (data is not null) flow.InitializeFromData(data);
        Perturb(flow, generator);
        return flow;
    }

    /// <summary>
    /// Adds Gaussian noise to every parameter, sized by its role: weights N(0, 0.4²/fan_in) (so zeroed last layers
    /// give conditioner outputs of order 1), biases and ActNorm and log-diagonal entries N(0, 0.2²), the
    /// triangular factors N(0, 0.1²/d) (well conditioned even in 30 dimensions).
    /// </summary>
    public static void Perturb(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in module.named_parameters())
        {
            double scale = name.EndsWith("weight", StringComparison.Ordinal) ? 0.4 / Math.Sqrt(parameter.shape[1])
                : name.EndsWith("lower", StringComparison.Ordinal) || name.EndsWith("upper", StringComparison.Ordinal) ? 0.1 / Math.Sqrt(parameter.shape[0])
                : 0.2;
            parameter.add_(randn(parameter.shape, dtype: parameter.dtype, generator: generator) * scale);
        }
    }

    /// <summary>
    /// An energy of the given kind over <paramref name="dimension"/> features, perturbed, its network (or tilt) fully
    /// random; a tilted energy has a heavy tail of weight <paramref name="tailWeight"/>.
    /// </summary>
    public static EnergyFunction Energy(EnergyNetworkKind kind, int dimension, FlowLayerKind flowKind, Generator generator, Tensor? data = null, double tailWeight = 0.05)
    {
        EnergyFunction energy = kind == EnergyNetworkKind.Mlp
            ? new MlpEnergy(dimension, [32, 32], confinement: 0.05, generator)
            : new TiltedFlowEnergy(Flow(dimension, flowKind, generator, data), [32, 32], tiltBound: 2, tailWeight, generator);
        Perturb(energy, generator);
        OnnxTestModels.Randomize(energy is TiltedFlowEnergy tilted ? tilted.Tilt : ((MlpEnergy)energy).Network, generator);
        return energy;
    }

    /// <summary>
    /// A whole model: standardizer fitted on <paramref name="rows"/>, perturbed generator and energy (the flows'
    /// ActNorms initialized on the standardized rows), an arbitrary log Z, the median training score as threshold
    /// (so PredictedLabel takes both values) and the training scores' quantiles (so Probability spans [0, 1]). A tilted
    /// energy has a heavy tail of weight <paramref name="tailWeight"/>.
    /// </summary>
    public static EnergyModel Model(float[][] rows, FlowLayerKind flowKind, EnergyNetworkKind energyKind, ulong seed, double tailWeight = 0.05)
    {
        // No dispose scope around module construction: it would free the parameters the model keeps.
        using var generator = new Generator(seed);
        var standardizer = Standardizer.Fit(rows);
        using var raw = tensor(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
        using var data = standardizer.Apply(raw);
        int dimension = rows[0].Length;
        var flow = Flow(dimension, flowKind, generator, data);
        var energy = Energy(energyKind, dimension, flowKind, generator, data, tailWeight);
        var partition = new LogPartitionEstimate(1.2345, 0.0125, 900, 1000, 0.3, isReliable: true);
        double threshold;
        TrainingScores quantiles;
        using (no_grad())
        using (NewDisposeScope())
        {
            var scores = energy.forward(data).to(ScalarType.Float64) + partition.LogZ - standardizer.LogDetToRaw;
            threshold = scores.median().item<double>();
            var sorted = scores.data<double>().ToArray();
            Array.Sort(sorted);
            quantiles = TrainingScores.FromSorted(sorted);
        }
        return new EnergyModel(standardizer, energy, flow, threshold, quantiles, Summary(partition, standardizer));
    }

    /// <summary>Rows drawn around the standardizer's centre in raw units: N(mean, (spread * scale)²) per feature.</summary>
    public static float[][] RandomRows(EnergyModel model, int count, double spread, Generator generator)
    {
        using var scope = NewDisposeScope();
        var u = randn(count, model.FeatureCount, generator: generator) * spread;
        var x = model.Standardizer.Invert(u);
        return Enumerable.Range(0, count).Select(i => x[i].data<float>().ToArray()).ToArray();
    }

    private static TrainingSummary Summary(LogPartitionEstimate partition, Standardizer standardizer) => new()
    {
        Seed = 1,
        TrainingRows = 100,
        ValidationRows = 10,
        StandardizationLogDeterminant = standardizer.LogDetToRaw,
        FlowValidationLogLikelihood = 0,
        AdversarialIterations = 0,
        BestIteration = 0,
        Rollbacks = 0,
        StoppedByDivergence = false,
        ValidationLogLikelihood = 0,
        Partition = partition,
        LearnedLogPartition = partition.LogZ,
        History = [],
        Duration = TimeSpan.Zero,
    };
}
