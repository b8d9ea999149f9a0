namespace Gcl.MLNet.Training;

/// <summary>
/// What a fit is for, as its entry point says: it decides the adversarial budget when
/// <see cref="EnergyModelOptions.AdversarialIterations"/> is left null.
/// </summary>
internal enum FitPurpose
{
    /// <summary>Density estimation (<c>mlContext.Transforms.EnergyModel</c>, the tool, the in-memory trainer): the full adversarial stage.</summary>
    Density,

    /// <summary>Anomaly ranking (<c>mlContext.AnomalyDetection.Trainers.EnergyModel</c>): the warm-started flow alone.</summary>
    AnomalyDetection,
}
