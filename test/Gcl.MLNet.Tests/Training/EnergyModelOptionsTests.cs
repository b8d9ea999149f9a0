using Gcl.MLNet.Training;
using Xunit;

namespace Gcl.MLNet.Tests.Training;

public sealed class EnergyModelOptionsTests
{
    public static TheoryData<EnergyModelOptions, string, string> Invalid => new()
    {
        { new EnergyModelOptions { EnergyHiddenSizes = [] }, "EnergyHiddenSizes", "must list 1 to 8 widths in [1, 1024]; got []" },
        { new EnergyModelOptions { EnergyHiddenSizes = [8, 0] }, "EnergyHiddenSizes", "must list 1 to 8 widths in [1, 1024]; got [8, 0]" },
        { new EnergyModelOptions { TiltBound = double.NaN }, "TiltBound", "must be a number in (0, 50]; got NaN" },
        { new EnergyModelOptions { BatchSize = 1 }, "BatchSize", "must be in [2, 65536]; got 1" },
        { new EnergyModelOptions { AdversarialBatchSize = 65_537 }, "AdversarialBatchSize", "must be in [2, 65536]; got 65537" },
        { new EnergyModelOptions { AdversarialIterations = -1 }, "AdversarialIterations", "must be at least 0; got -1" },
        { new EnergyModelOptions { TrainingNoise = 1.5 }, "TrainingNoise", "must be a number in [0, 1]; got 1.5" },
        { new EnergyModelOptions { ValidationFraction = 0.5 }, "ValidationFraction", "must be in (0, 0.5); got 0.5" },
        { new EnergyModelOptions { PartitionSamples = 999 }, "PartitionSamples", "must be in [1000, 10000000]; got 999" },
        { new EnergyModelOptions { Contamination = 0 }, "Contamination", "must be in (0, 0.5); got 0" },
        { new EnergyModelOptions { Threads = 0 }, "Threads", "must be in [1, 1024]; got 0" },
        { new EnergyModelOptions { EnergyNetwork = (EnergyNetworkKind)99 }, "EnergyNetwork", "must be one of TiltedFlow, Mlp; got 99" },
        { new EnergyModelOptions { FlowLayer = (FlowLayerKind)99 }, "FlowLayer", "must be one of AffineCoupling, RationalQuadraticSpline; got 99" },
        { new EnergyModelOptions { InvalidRows = (InvalidRowHandling)99 }, "InvalidRows", "must be one of Reject, Skip; got 99" },
    };

    [Fact]
    public void TheDefaultsAreValid() => new EnergyModelOptions().Validate();

    [Theory]
    [MemberData(nameof(Invalid))]
    public void EachInvalidSettingIsNamedWithItsValue(EnergyModelOptions options, string name, string rule)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(name, error.ParamName);
        Assert.StartsWith($"EnergyModelOptions.{name} {rule}.", error.Message);
    }

    [Fact]
    public void TheCoreSettingsCarryTheOptionsAndTheResolvedSeed()
    {
        var options = new EnergyModelOptions { FlowLayer = FlowLayerKind.RationalQuadraticSpline, FlowBlocks = 3, FlowHiddenWidth = 24, BatchSize = 32, AdversarialBatchSize = 48, PartitionSamples = 5000 };

        var settings = options.ToSettings(seed: 123);

        Assert.Equal((FlowLayerKind.RationalQuadraticSpline, 3, 24), (settings.Flow.Kind, settings.Flow.Blocks, settings.Flow.HiddenWidth));
        Assert.Equal((32, 48, 5000, 123L), (settings.WarmStartRows, settings.Adversarial.BatchSize, settings.PartitionSamples, settings.Seed));
        Assert.Equal(options.EnergyHiddenSizes, settings.Energy.HiddenSizes);
    }

    [Theory]
    [InlineData(null, false, 300)]
    [InlineData(null, true, 0)]
    [InlineData(250, false, 250)]
    [InlineData(250, true, 250)]
    [InlineData(0, false, 0)]
    public void ALeftNullAdversarialBudgetIsTheEntryPointsAndASetOneIsKept(int? iterations, bool anomaly, int expected)
    {
        var purpose = anomaly ? FitPurpose.AnomalyDetection : FitPurpose.Density;
        var settings = new EnergyModelOptions { AdversarialIterations = iterations }.ToSettings(seed: 1, purpose);

        Assert.Equal(expected, settings.Adversarial.Iterations);
        Assert.Equal(300, EnergyModelOptions.DensityAdversarialIterations);
    }

    [Theory]
    [InlineData(null, false, 0.05)]
    [InlineData(null, true, 0.5)]
    [InlineData(0.2, false, 0.2)]
    [InlineData(0.0, true, 0.0)]
    public void ALeftNullTrainingNoiseIsTheEntryPointsAndASetOneIsKept(double? noise, bool anomaly, double expected)
    {
        var purpose = anomaly ? FitPurpose.AnomalyDetection : FitPurpose.Density;

        Assert.Equal(expected, new EnergyModelOptions { TrainingNoise = noise }.ToSettings(seed: 1, purpose).TrainingNoise);
    }

    [Theory]
    [InlineData(null, false, 16_384)]
    [InlineData(null, true, 0)]
    [InlineData(100, true, 100)]
    [InlineData(0, false, 0)]
    public void LeftNullKernelCentersAreTheEntryPointsAndSetOnesAreKept(int? centers, bool anomaly, int expected)
    {
        var purpose = anomaly ? FitPurpose.AnomalyDetection : FitPurpose.Density;

        Assert.Equal(expected, new EnergyModelOptions { KernelCenters = centers }.ToSettings(seed: 1, purpose).KernelCenters);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65_537)]
    public void KernelCentersOutOfRangeAreRefusedByName(int centers)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EnergyModelOptions { KernelCenters = centers }.Validate());

        Assert.Contains(nameof(EnergyModelOptions.KernelCenters), error.Message);
    }
}
