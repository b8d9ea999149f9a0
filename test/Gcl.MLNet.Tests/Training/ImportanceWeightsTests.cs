using Gcl.MLNet.Training;
using Xunit;

namespace Gcl.MLNet.Tests.Training;

public sealed class ImportanceWeightsTests
{
    [Fact]
    public void SmallExampleGivesTheHandComputedValues()
    {
        // Weights 1, 2, 3, 4 times e^100: mean 2.5, sd 1.2909944 (n - 1), ESS = 10^2 / 30.
        double[] logWeights = [100, 100 + Math.Log(2), 100 + Math.Log(3), 100 + Math.Log(4)];
        var estimate = ImportanceWeights.Summarize(logWeights);
        Assert.Equal(100 + Math.Log(2.5), estimate.LogZ, 1e-12);
        Assert.Equal(Math.Sqrt(5.0 / 3) / (2 * 2.5), estimate.StandardError, 1e-12);
        Assert.Equal(100.0 / 30, estimate.EffectiveSampleSize, 1e-12);
        Assert.Equal(4, estimate.SampleCount);
        Assert.Equal(double.PositiveInfinity, estimate.ParetoK); // four draws cannot show a tail
        Assert.False(estimate.IsReliable);
    }

    [Fact]
    public void ShiftingEveryLogWeightShiftsOnlyLogZ()
    {
        var random = new Random(1);
        double[] logWeights = Enumerable.Range(0, 2000).Select(_ => random.NextDouble() * 3).ToArray();
        var reference = ImportanceWeights.Summarize(logWeights);
        foreach (double shift in new[] { 1000.0, -1000.0 }) // exp(+-1000) overflows or underflows without the max shift
        {
            var shifted = ImportanceWeights.Summarize(logWeights.Select(w => w + shift).ToArray());
            Assert.Equal(reference.LogZ + shift, shifted.LogZ, 1e-9);
            Assert.Equal(reference.StandardError, shifted.StandardError, 1e-12);
            Assert.Equal(reference.EffectiveSampleSize, shifted.EffectiveSampleSize, 1e-9);
            Assert.Equal(reference.ParetoK, shifted.ParetoK, 1e-9);
        }
    }

    [Fact]
    public void EqualWeightsHaveFullEssAndNoError()
    {
        var estimate = ImportanceWeights.Summarize(Enumerable.Repeat(-7.25, 500).ToArray());
        Assert.Equal(-7.25, estimate.LogZ, 1e-14);
        Assert.Equal(0, estimate.StandardError);
        Assert.Equal(500, estimate.EffectiveSampleSize);
        Assert.Equal(ParetoTailDiagnostic.FlatTailShape, estimate.ParetoK);
        Assert.True(estimate.IsReliable);
    }

    [Fact]
    public void ZeroWeightsCountInTheMean()
    {
        double[] logWeights = [double.NegativeInfinity, 0, 0, double.NegativeInfinity];
        var estimate = ImportanceWeights.Summarize(logWeights);
        Assert.Equal(Math.Log(0.5), estimate.LogZ, 1e-14);
        Assert.Equal(2, estimate.EffectiveSampleSize, 1e-14);
    }

    [Fact]
    public void ThresholdsDecideReliability()
    {
        var random = new Random(2);
        double[] logWeights = Enumerable.Range(0, 4000).Select(_ => 0.3 * random.NextDouble()).ToArray();
        var estimate = ImportanceWeights.Summarize(logWeights);
        Assert.True(estimate.IsReliable, estimate.Describe());
        Assert.True(estimate.ParetoK < 0.5, estimate.Describe());
        Assert.False(ImportanceWeights.Summarize(logWeights, minimumEssFraction: 1).IsReliable);
        Assert.False(ImportanceWeights.Summarize(logWeights, maximumParetoK: estimate.ParetoK).IsReliable);
    }

    [Fact]
    public void RejectsInvalidInputWithMessagesThatSayWhy()
    {
        var nan = Assert.Throws<ArgumentException>(() => ImportanceWeights.Summarize([0, double.NaN, double.PositiveInfinity, 1]));
        Assert.StartsWith("2 of 4 log-weights are NaN or positive infinity.", nan.Message);
        var zero = Assert.Throws<ArgumentException>(() => ImportanceWeights.Summarize([double.NegativeInfinity, double.NegativeInfinity]));
        Assert.StartsWith("All 2 weights are zero", zero.Message);
        Assert.Throws<ArgumentException>(() => ImportanceWeights.Summarize([1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeights.Summarize([1.0, 2.0], minimumEssFraction: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeights.Summarize([1.0, 2.0], minimumEssFraction: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImportanceWeights.Summarize([1.0, 2.0], maximumParetoK: double.NaN));
    }
}
