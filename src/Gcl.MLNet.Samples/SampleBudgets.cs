namespace Gcl.MLNet.Samples;

/// <summary>The training options every sample uses: the library's defaults, or a tiny budget for <c>--quick</c> (CI).</summary>
internal static class SampleBudgets
{
    /// <summary>Seeded options, with the quick budget when <paramref name="quick"/>.</summary>
    /// <param name="quick">Whether to use the tiny budget.</param>
    /// <param name="progress">Where training progress goes, or null.</param>
    public static EnergyModelOptions Options(bool quick, IProgress<TrainingProgress>? progress = null) => quick
        ? new EnergyModelOptions
        {
            Seed = 1,
            Progress = progress,
            FlowBlocks = 2,
            FlowHiddenWidth = 16,
            EnergyHiddenSizes = new[] { 16 },
            WarmStartSteps = 20,
            AdversarialIterations = 100,
            PartitionSamples = 5000,
        }
        : new EnergyModelOptions { Seed = 1, Progress = progress };
}
