using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>Issue 15, item 8 (second part): sample counts the allocator cannot serve are refused up front.</summary>
public sealed class SampleCountTests
{
    [Fact]
    public void Huge_sample_counts_are_refused_up_front_with_the_limit()
    {
        using var transformer = ReliabilityModels.Train(new MLContext(seed: 1));
        var sample = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.Model.Sample(int.MaxValue, 1));
        Assert.Contains($"Cannot draw {int.MaxValue} rows of {transformer.Model.FeatureCount} features", sample.Message);
        var view = Assert.Throws<ArgumentOutOfRangeException>(() => transformer.GenerateSamples(int.MaxValue));
        Assert.Equal("count", view.ParamName);
        Assert.Contains("per call", view.Message);
        Assert.Equal(16, transformer.GenerateSamples(16).GetRowCount());
    }
}
