using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Training;

/// <summary>Everything <see cref="EnergyModelTrainer"/> needs to know, in the core's own terms (no ML.NET types).</summary>
/// <param name="Flow">Shape of the flow generator.</param>
/// <param name="WarmStart">Maximum-likelihood warm start of the flow.</param>
/// <param name="Energy">Shape of the energy.</param>
/// <param name="Adversarial">The adversarial stage.</param>
/// <param name="PartitionSamples">Importance samples for the final log Z.</param>
/// <param name="Contamination">Fraction of training rows above the anomaly threshold.</param>
/// <param name="Seed">Seed of every random choice.</param>
/// <param name="TrainingNoise">Standard deviation of the Gaussian noise added to training batches (standardized units; 0 for none).</param>
/// <param name="KernelCenters">Most training rows kept as centers of the kernel term (0: no kernel).</param>
/// <param name="WarmStartBatchSize">Rows per warm-start step; null for the adversarial stage's batch size.</param>
internal sealed record TrainingSettings(
    FlowOptions Flow,
    MaximumLikelihoodOptions WarmStart,
    EnergyOptions Energy,
    AdversarialOptions Adversarial,
    int PartitionSamples,
    double Contamination,
    long Seed,
    double TrainingNoise = 0,
    int KernelCenters = 0,
    int? WarmStartBatchSize = null)
{
    /// <summary>Rows per warm-start step.</summary>
    public int WarmStartRows => WarmStartBatchSize ?? Adversarial.BatchSize;
}
