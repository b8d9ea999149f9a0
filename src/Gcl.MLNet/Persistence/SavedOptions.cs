namespace Gcl.MLNet.Persistence;

/// <summary>
/// The <see cref="EnergyModelOptions"/> a model was trained with, as the manifest records them (everything but the
/// progress hook), so a saved model says how it was made and a loaded one can be saved again unchanged.
/// </summary>
internal sealed record SavedOptions(
    EnergyNetworkKind EnergyNetwork,
    IReadOnlyList<int> EnergyHiddenSizes,
    double TiltBound,
    double Confinement,
    FlowLayerKind FlowLayer,
    int FlowBlocks,
    int FlowHiddenWidth,
    int WarmStartEpochs,
    int AdversarialIterations,
    int BatchSize,
    double WarmStartLearningRate,
    double EnergyLearningRate,
    double GeneratorLearningRate,
    double EnergyPenalty,
    double GradientClip,
    double ValidationFraction,
    int PartitionSamples,
    double Contamination,
    int? Seed,
    int? Threads,
    InvalidRowHandling InvalidRows)
{
    /// <summary>The record of <paramref name="o"/>.</summary>
    public static SavedOptions From(EnergyModelOptions o) => new(
        o.EnergyNetwork, o.EnergyHiddenSizes.ToArray(), o.TiltBound, o.Confinement, o.FlowLayer, o.FlowBlocks, o.FlowHiddenWidth,
        o.WarmStartEpochs, o.AdversarialIterations, o.BatchSize, o.WarmStartLearningRate, o.EnergyLearningRate, o.GeneratorLearningRate,
        o.EnergyPenalty, o.GradientClip, o.ValidationFraction, o.PartitionSamples, o.Contamination, o.Seed, o.Threads, o.InvalidRows);

    /// <summary>The options again (without a progress hook).</summary>
    public EnergyModelOptions ToOptions() => new()
    {
        EnergyNetwork = EnergyNetwork,
        EnergyHiddenSizes = EnergyHiddenSizes.ToArray(),
        TiltBound = TiltBound,
        Confinement = Confinement,
        FlowLayer = FlowLayer,
        FlowBlocks = FlowBlocks,
        FlowHiddenWidth = FlowHiddenWidth,
        WarmStartEpochs = WarmStartEpochs,
        AdversarialIterations = AdversarialIterations,
        BatchSize = BatchSize,
        WarmStartLearningRate = WarmStartLearningRate,
        EnergyLearningRate = EnergyLearningRate,
        GeneratorLearningRate = GeneratorLearningRate,
        EnergyPenalty = EnergyPenalty,
        GradientClip = GradientClip,
        ValidationFraction = ValidationFraction,
        PartitionSamples = PartitionSamples,
        Contamination = Contamination,
        Seed = Seed,
        Threads = Threads,
        InvalidRows = InvalidRows,
    };
}
