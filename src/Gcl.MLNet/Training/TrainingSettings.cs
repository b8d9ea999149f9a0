using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Training;

/// <summary>Everything <see cref="EnergyModelTrainer"/> needs to know, in the core's own terms (no ML.NET types).</summary>
/// <param name="Flow">Shape of the flow generator.</param>
/// <param name="WarmStart">Maximum-likelihood warm start of the flow.</param>
/// <param name="EnergyNetwork">Parameterization of the energy.</param>
/// <param name="EnergyHiddenSizes">Hidden widths of the energy (or tilt) network.</param>
/// <param name="TiltBound">Largest |h| of the tilted energy.</param>
/// <param name="Confinement">Quadratic confinement of the MLP energy.</param>
/// <param name="Adversarial">The adversarial stage.</param>
/// <param name="PartitionSamples">Importance samples for the final log Z.</param>
/// <param name="Contamination">Fraction of training rows above the anomaly threshold.</param>
/// <param name="Seed">Seed of every random choice.</param>
internal sealed record TrainingSettings(
    FlowOptions Flow,
    MaximumLikelihoodOptions WarmStart,
    EnergyNetworkKind EnergyNetwork,
    IReadOnlyList<int> EnergyHiddenSizes,
    double TiltBound,
    double Confinement,
    AdversarialOptions Adversarial,
    int PartitionSamples,
    double Contamination,
    long Seed);
