using System.Globalization;
using Xunit;

namespace Gcl.MLNet.Tests.Training;

public sealed class LogPartitionEstimateTests
{
    [Fact]
    public void DescribeIsOneInvariantLineThatSaysIfReliable()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // decimal comma
            var good = new LogPartitionEstimate(3.67612, 0.00421, 3012.4, 4096, 0.213, isReliable: true);
            Assert.Equal("log Z = 3.6761 ± 0.0042 (n = 4096, ESS = 3012.4 = 73.5%, Pareto k = 0.21): reliable", good.Describe());
            var bad = new LogPartitionEstimate(-1.5, 0.3, 12, 4096, 0.91, isReliable: false);
            Assert.EndsWith("Pareto k = 0.91): UNRELIABLE", bad.Describe());
            Assert.DoesNotContain('\n', bad.Describe());
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void ConstructorKeepsTheValuesAndRejectsImpossibleOnes()
    {
        var estimate = new LogPartitionEstimate(1, 0.1, 50, 100, double.PositiveInfinity, false);
        Assert.Equal((1.0, 0.1, 50.0, 100, double.PositiveInfinity, false),
            (estimate.LogZ, estimate.StandardError, estimate.EffectiveSampleSize, estimate.SampleCount, estimate.ParetoK, estimate.IsReliable));
        Assert.Equal(estimate, new LogPartitionEstimate(1, 0.1, 50, 100, double.PositiveInfinity, false));

        Assert.Equal("logZ", Assert.Throws<ArgumentOutOfRangeException>(() => new LogPartitionEstimate(double.NaN, 0.1, 50, 100, 0, true)).ParamName);
        Assert.Equal("standardError", Assert.Throws<ArgumentOutOfRangeException>(() => new LogPartitionEstimate(1, -0.1, 50, 100, 0, true)).ParamName);
        Assert.Equal("effectiveSampleSize", Assert.Throws<ArgumentOutOfRangeException>(() => new LogPartitionEstimate(1, 0.1, 0, 100, 0, true)).ParamName);
        Assert.Equal("sampleCount", Assert.Throws<ArgumentOutOfRangeException>(() => new LogPartitionEstimate(1, 0.1, 1, 1, 0, true)).ParamName);
        Assert.Equal("paretoK", Assert.Throws<ArgumentOutOfRangeException>(() => new LogPartitionEstimate(1, 0.1, 50, 100, double.NaN, true)).ParamName);
    }
}
