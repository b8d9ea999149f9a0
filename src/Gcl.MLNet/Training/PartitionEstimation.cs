using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Estimates log Z of an energy with a proposal built from the flow generator (joined by the reference flow of a
/// tilted energy) and defended by a broad Gaussian.
/// </summary>
internal static class PartitionEstimation
{
    /// <summary>Rows per batch of importance samples.</summary>
    public const int BatchSize = 4096;

    /// <summary>Runs <see cref="LogPartitionEstimator"/> for <paramref name="energy"/> with the proposal above.</summary>
    public static LogPartitionEstimate Estimate(EnergyFunction energy, NormalizingFlow generator, int sampleCount,
        double gaussianWeight, double gaussianScale, Generator random, CancellationToken cancellation = default)
    {
        var flows = energy is TiltedFlowEnergy tilted ? new[] { generator, tilted.Reference } : new[] { generator };
        var mixture = new FlowMixture(flows);
        var proposal = new DefensiveMixtureProposal(
            generator.Dimension,
            mixture.SampleWithLogProb,
            mixture.LogProb,
            gaussianWeight,
            gaussianScale);
        return LogPartitionEstimator.Estimate(energy.forward, proposal, sampleCount, BatchSize, random, cancellation: cancellation);
    }
}
