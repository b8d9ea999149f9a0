namespace Gcl.MLNet.Training;

/// <summary>
/// What a fit is for, as its entry point says: it decides the adversarial budget and the training noise when
/// <see cref="EnergyModelOptions.AdversarialIterations"/> and <see cref="EnergyModelOptions.TrainingNoise"/> are left null.
/// </summary>
internal enum FitPurpose
{
    /// <summary>Density estimation (<c>mlContext.Transforms.EnergyModel</c>, the tool, the in-memory trainer): the full adversarial stage, little training noise.</summary>
    Density,

    /// <summary>Anomaly ranking (<c>mlContext.AnomalyDetection.Trainers.EnergyModel</c>): the warm-started flow alone, more training noise.</summary>
    AnomalyDetection,
}
