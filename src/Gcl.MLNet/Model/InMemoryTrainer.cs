using Gcl.MLNet.Flows;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet.Model;

/// <summary>
/// Trains an <see cref="EnergyModel"/> on raw rows already in memory, without ML.NET: a seeded shuffle, a held-out
/// validation share, standardization fitted on the training share, then <see cref="EnergyModelTrainer"/>.
/// Used by benchmarks, experiments and tests; ML.NET users go through the estimator, which streams instead.
/// </summary>
internal static class InMemoryTrainer
{
    /// <summary>Trains on <paramref name="rows"/> (raw units, all rows of equal length, finite).</summary>
    public static EnergyModel Train(IReadOnlyList<float[]> rows, TrainingSettings settings, double validationFraction,
        Action<TrainingProgress>? progress = null)
    {
        if (rows.Count < 4) throw new ArgumentException("Training needs at least 4 rows.", nameof(rows));
        var random = new Random(unchecked((int)settings.Seed));
        var shuffled = rows.OrderBy(_ => random.Next()).ToArray();
        int validationCount = Math.Clamp((int)Math.Round(rows.Count * validationFraction), 1, rows.Count - 2);
        var standardizer = Standardizer.Fit(shuffled.Skip(validationCount));
        // Modules own parameters that a dispose scope would free: no scope around training.
        using var raw = tensor(shuffled.SelectMany(r => r).ToArray(), new long[] { rows.Count, rows[0].Length });
        using var all = standardizer.Apply(raw);
        using var validation = all.narrow(0, 0, validationCount);
        using var training = all.narrow(0, validationCount, rows.Count - validationCount);
        using var source = new TensorBatchSource(training);
        return new EnergyModel(EnergyModelTrainer.Train(source, validation, standardizer, settings, progress,
            new TrainingDataFacts(rows.Count - validationCount, 0)));
    }
}
