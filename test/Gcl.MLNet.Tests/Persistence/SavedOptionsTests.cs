using Gcl.MLNet.Persistence;
using Xunit;

namespace Gcl.MLNet.Tests.Persistence;

public sealed class SavedOptionsTests
{
    [Fact]
    public void EveryOptionButTheProgressHookRoundTrips()
    {
        var options = new EnergyModelOptions
        {
            EnergyNetwork = EnergyNetworkKind.Mlp,
            EnergyHiddenSizes = [5, 6],
            TiltBound = 2.5,
            Confinement = 0.2,
            FlowLayer = FlowLayerKind.RationalQuadraticSpline,
            FlowBlocks = 3,
            FlowHiddenWidth = 33,
            WarmStartEpochs = 7,
            AdversarialIterations = 11,
            BatchSize = 13,
            WarmStartLearningRate = 0.1,
            EnergyLearningRate = 0.2,
            GeneratorLearningRate = 0.3,
            EnergyPenalty = 0.4,
            GradientClip = 5,
            ValidationFraction = 0.2,
            PartitionSamples = 1234,
            Contamination = 0.07,
            Seed = 99,
            Threads = 2,
            InvalidRows = InvalidRowHandling.Skip,
            Progress = new Progress<TrainingProgress>(),
        };

        var back = SavedOptions.From(options).ToOptions();

        foreach (var property in typeof(EnergyModelOptions).GetProperties().Where(p => p.Name != nameof(EnergyModelOptions.Progress)))
        {
            var expected = property.GetValue(options);
            var actual = property.GetValue(back);
            if (expected is IEnumerable<int> list) Assert.Equal(list, (IEnumerable<int>)actual!);
            else Assert.Equal(expected, actual);
        }
        Assert.Null(back.Progress);
    }
}
