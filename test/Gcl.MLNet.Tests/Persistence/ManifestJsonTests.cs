using System.Reflection;
using System.Text.Json;
using Gcl.MLNet.Persistence;
using Gcl.MLNet.Training;
using Xunit;

namespace Gcl.MLNet.Tests.Persistence;

public sealed class ManifestJsonTests
{
    private static readonly PropertyInfo[] Settings = typeof(EnergyModelOptions).GetProperties()
        .Where(p => p.CanWrite && !ManifestJson.IsCallHook(p.PropertyType)).ToArray();

    [Fact]
    public void EverySettingSetAwayFromItsDefaultRoundTrips()
    {
        var defaults = new EnergyModelOptions();
        var options = new EnergyModelOptions { Progress = new Progress<TrainingProgress>() };
        foreach (var property in Settings)
        {
            var changed = OtherThan(property.PropertyType, property.GetValue(defaults));
            Assert.False(Same(property.GetValue(defaults), changed), $"{property.Name}: no non-default value was made");
            property.SetValue(options, changed);
        }

        var recorded = ManifestJson.Record(options, options.ToSettings(seed: 1));

        foreach (var property in Settings) Assert.True(Same(property.GetValue(options), property.GetValue(recorded)), $"{property.Name} did not round-trip");
        Assert.Null(recorded.Progress);
    }

    [Fact]
    public void OnlyThePerCallHooksAreLeftOut()
    {
        var left = typeof(EnergyModelOptions).GetProperties().Where(p => p.CanWrite).Except(Settings).Select(p => p.Name).Order();

        Assert.Equal([nameof(EnergyModelOptions.CancellationToken), nameof(EnergyModelOptions.Progress)], left);
    }

    [Fact]
    public void TheRecordIsACopyThatLaterChangesDoNotReach()
    {
        int[] widths = [8, 8];
        var options = new EnergyModelOptions { EnergyHiddenSizes = widths };
        var recorded = ManifestJson.Record(options, options.ToSettings(seed: 1));

        widths[0] = 1;

        Assert.Equal([8, 8], recorded.EnergyHiddenSizes);
    }

    [Fact]
    public void TheRecordHoldsTheBudgetNoiseAndKernelTheFitUsedAndFormatVersion1CanReadIt()
    {
        var options = new EnergyModelOptions();
        var recorded = ManifestJson.Record(options, options.ToSettings(seed: 1, FitPurpose.AnomalyDetection));
        var json = JsonSerializer.SerializeToNode(recorded, ManifestJson.Options)!;

        Assert.Equal((0, EnergyModelOptions.AnomalyTrainingNoise, 0), (recorded.AdversarialIterations, recorded.TrainingNoise, recorded.KernelCenters));
        Assert.Equal(0, json["adversarialIterations"]!.GetValue<int>());
        Assert.Equal(EnergyModelOptions.AnomalyTrainingNoise, json["trainingNoise"]!.GetValue<double>());
        // 0.1 read the budget as a plain int; a null there would fail to load in it.
        Assert.Equal(0, JsonSerializer.Deserialize<VersionOneBudget>(json.ToJsonString(), ManifestJson.Options)!.AdversarialIterations);
    }

    [Fact]
    public void OptionsWrittenByFormatVersion1StillRead()
    {
        const string version1 = """
            {"energyNetwork":"Mlp","energyHiddenSizes":[5,6],"tiltBound":2.5,"confinement":0.2,"flowLayer":"RationalQuadraticSpline",
             "flowBlocks":3,"flowHiddenWidth":33,"warmStartEpochs":7,"adversarialIterations":11,"batchSize":13,"warmStartLearningRate":0.1,
             "energyLearningRate":0.2,"generatorLearningRate":0.3,"energyPenalty":0.4,"gradientClip":5,"validationFraction":0.2,
             "partitionSamples":1234,"contamination":0.07,"seed":99,"threads":null,"invalidRows":"Skip"}
            """;

        var options = JsonSerializer.Deserialize<EnergyModelOptions>(version1, ManifestJson.Options)!;

        Assert.Equal((EnergyNetworkKind.Mlp, FlowLayerKind.RationalQuadraticSpline, InvalidRowHandling.Skip), (options.EnergyNetwork, options.FlowLayer, options.InvalidRows));
        Assert.Equal([5, 6], options.EnergyHiddenSizes);
        Assert.Equal((3, 33, 11, 13, 1234, 99), (options.FlowBlocks, options.FlowHiddenWidth, options.AdversarialIterations, options.BatchSize, options.PartitionSamples, options.Seed));
        // 0.1 budgeted the warm start in epochs, which have no step equivalent: such a file records the default.
        Assert.Equal(new EnergyModelOptions().WarmStartSteps, options.WarmStartSteps);
        Assert.Equal((2.5, 0.2, 0.3, 0.07), (options.TiltBound, options.Confinement, options.GeneratorLearningRate, options.Contamination));
        Assert.Null(options.Threads);
    }

    // A value of the property's type that differs from the default.
    private static object OtherThan(Type type, object? value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsEnum) return Enum.GetValues(underlying).Cast<object>().First(v => !v.Equals(value));
        return underlying switch
        {
            _ when underlying == typeof(int) => value is int i ? i + 3 : 7,
            _ when underlying == typeof(long) => value is long l ? l + 3 : 7L,
            _ when underlying == typeof(double) => value is double d ? d * 0.5 + 0.125 : 0.375,
            _ when underlying == typeof(bool) => value is not true,
            _ when underlying == typeof(TimeSpan) => value is TimeSpan t ? t + TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(42),
            _ when underlying == typeof(IReadOnlyList<int>) => new[] { 5, 6, 7 },
            _ => throw new NotSupportedException($"Teach the test a non-default value of {type.Name}."),
        };
    }

    private static bool Same(object? a, object? b) =>
        a is IEnumerable<int> x && b is IEnumerable<int> y ? x.SequenceEqual(y) : Equals(a, b);

    // The one setting whose type 0.2 widened, as 0.1 declared it.
    private sealed class VersionOneBudget
    {
        public int AdversarialIterations { get; init; }
    }
}
