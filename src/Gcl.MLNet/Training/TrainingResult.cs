using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Training;

/// <summary>
/// What <see cref="EnergyModelTrainer"/> fits: the standardizer it was given, the trained energy and generator
/// (whose native memory passes to whoever wraps them, normally an <c>EnergyModel</c>), the anomaly threshold on
/// Score, the quantiles of the training rows' scores and the training summary.
/// </summary>
internal sealed record TrainingResult(Standardizer Standardizer, EnergyFunction Energy, NormalizingFlow Generator, double ScoreThreshold,
    TrainingScores TrainingScores, TrainingSummary Summary);
