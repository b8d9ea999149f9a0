using Xunit;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>Issue 15, item 6: settings that used to kill the process have documented upper bounds, named in one message format.</summary>
public sealed class OptionBoundsTests
{
    public static TheoryData<EnergyModelOptions, string, string> Cases => new()
    {
        { new EnergyModelOptions { Threads = int.MaxValue }, "Threads", $"EnergyModelOptions.Threads must be in [1, 1024]; got {int.MaxValue}." },
        { new EnergyModelOptions { FlowBlocks = int.MaxValue }, "FlowBlocks", $"EnergyModelOptions.FlowBlocks must be in [1, 8]; got {int.MaxValue}." },
        { new EnergyModelOptions { FlowHiddenWidth = int.MaxValue }, "FlowHiddenWidth", $"EnergyModelOptions.FlowHiddenWidth must be in [1, 1024]; got {int.MaxValue}." },
        { new EnergyModelOptions { BatchSize = int.MaxValue }, "BatchSize", $"EnergyModelOptions.BatchSize must be in [2, 65536]; got {int.MaxValue}." },
        { new EnergyModelOptions { AdversarialBatchSize = int.MaxValue }, "AdversarialBatchSize", $"EnergyModelOptions.AdversarialBatchSize must be in [2, 65536]; got {int.MaxValue}." },
        { new EnergyModelOptions { PartitionSamples = int.MaxValue }, "PartitionSamples", $"EnergyModelOptions.PartitionSamples must be in [1000, 10000000]; got {int.MaxValue}." },
        { new EnergyModelOptions { EnergyHiddenSizes = [64, int.MaxValue] }, "EnergyHiddenSizes", $"EnergyModelOptions.EnergyHiddenSizes must list 1 to 8 widths in [1, 1024]; got [64, {int.MaxValue}]." },
        { new EnergyModelOptions { EnergyHiddenSizes = Enumerable.Repeat(8, 4000).ToArray() }, "EnergyHiddenSizes", "EnergyModelOptions.EnergyHiddenSizes must list 1 to 8 widths in [1, 1024]; got [" },
        { new EnergyModelOptions { TiltBound = 1e300 }, "TiltBound", "EnergyModelOptions.TiltBound must be a number in (0, 50]; got 1E+300." },
        { new EnergyModelOptions { EnergyNetwork = (EnergyNetworkKind)99 }, "EnergyNetwork", "EnergyModelOptions.EnergyNetwork must be one of " },
        { new EnergyModelOptions { FlowLayer = (FlowLayerKind)99 }, "FlowLayer", "EnergyModelOptions.FlowLayer must be one of " },
        { new EnergyModelOptions { InvalidRows = (InvalidRowHandling)99 }, "InvalidRows", "EnergyModelOptions.InvalidRows must be one of Reject, Skip; got 99." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_bound_is_checked_up_front_and_named(EnergyModelOptions options, string setting, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(setting, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    public static TheoryData<EnergyModelOptions> Largest => new()
    {
        new EnergyModelOptions { Threads = 1024, BatchSize = 65_536, AdversarialBatchSize = 65_536, PartitionSamples = 10_000_000, TiltBound = 50 },
        new EnergyModelOptions { FlowBlocks = 8 },
        new EnergyModelOptions { FlowHiddenWidth = 1024 },
        new EnergyModelOptions { EnergyHiddenSizes = [1024, 1024] },
        new EnergyModelOptions { EnergyHiddenSizes = Enumerable.Repeat(512, 8).ToArray() },
    };

    // Each setting at its largest passes; together the largest networks exceed the weight budget (ModelSizeBoundsTests).
    [Theory]
    [MemberData(nameof(Largest))]
    public void The_largest_allowed_values_pass(EnergyModelOptions options) => options.Validate();
}
