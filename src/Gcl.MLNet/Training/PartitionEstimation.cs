using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>Estimates log Z of an energy with the flow generator, defended by a broad Gaussian, as the proposal.</summary>
internal static class PartitionEstimation
{
    /// <summary>Rows per batch of importance samples.</summary>
    public const int BatchSize = 4096;

    /// <summary>Runs <see cref="LogPartitionEstimator"/> for <paramref name="energy"/> with proposal 0.9·q + 0.1·N(0, σ²I) (defaults).</summary>
    public static LogPartitionEstimate Estimate(EnergyFunction energy, NormalizingFlow generator, int sampleCount,
        double gaussianWeight, double gaussianScale, Generator random)
    {
        var proposal = new DefensiveMixtureProposal(
            generator.Dimension,
            (count, g) => generator.SampleWithLogProb(count, g),
            generator.LogProb,
            gaussianWeight,
            gaussianScale);
        return LogPartitionEstimator.Estimate(energy.forward, proposal, sampleCount, BatchSize, random);
    }
}
