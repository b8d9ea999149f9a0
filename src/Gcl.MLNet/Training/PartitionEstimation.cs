using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Estimates log Z of an energy with a proposal built from the flow generator (joined by the reference flow of a
/// tilted energy) and defended by a broad density: the tilted energy's own tail when it has one (so the weights stay
/// bounded out there too), otherwise a broad Gaussian.
/// </summary>
internal static class PartitionEstimation
{
    /// <summary>Rows per batch of importance samples.</summary>
    public const int BatchSize = 4096;

    /// <summary>The proposal above for <paramref name="energy"/> and <paramref name="generator"/>.</summary>
    public static DefensiveMixtureProposal Proposal(EnergyFunction energy, NormalizingFlow generator, double defensiveWeight, double gaussianScale)
    {
        var tilted = energy as TiltedFlowEnergy;
        var mixture = new FlowMixture(tilted is null ? new[] { generator } : new[] { generator, tilted.Reference });
        BroadDensity defensive = tilted is { TailWeight: > 0 } ? tilted.Tail : new BroadGaussian(gaussianScale);
        return new DefensiveMixtureProposal(generator.Dimension, mixture.SampleWithLogProb, mixture.LogProb, defensiveWeight, defensive);
    }

    /// <summary>Runs <see cref="LogPartitionEstimator"/> for <paramref name="energy"/> with the proposal above.</summary>
    public static LogPartitionEstimate Estimate(EnergyFunction energy, NormalizingFlow generator, int sampleCount,
        double defensiveWeight, double gaussianScale, Generator random, CancellationToken cancellation = default) =>
        LogPartitionEstimator.Estimate(energy.forward, Proposal(energy, generator, defensiveWeight, gaussianScale), sampleCount, BatchSize, random, cancellation: cancellation);
}
