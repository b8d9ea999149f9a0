using Gcl.MLNet.Training;
using Xunit;

namespace Gcl.MLNet.Tests.Training;

/// <summary>The stored quantiles of the training scores: the quantile rule, the probability (CDF) and the checks.</summary>
public sealed class TrainingScoresTests
{
    private static readonly double[] Sorted = Enumerable.Range(0, 5000).Select(i => Math.Exp(i / 1000.0) - 3).ToArray();

    [Fact]
    public void StoredQuantilesAreNumpysLinearQuantilesAtTheStandardProbabilities()
    {
        var scores = TrainingScores.FromSorted(Sorted);

        Assert.Equal(220, scores.Probabilities.Count);
        Assert.Equal([0.0, 0.005, 0.01], scores.Probabilities.Take(3));
        Assert.Contains(0.99, scores.Probabilities);
        Assert.Contains(0.9995, scores.Probabilities);
        Assert.Contains(0.9999, scores.Probabilities);
        for (int k = 0; k < scores.Probabilities.Count; k++)
        {
            double h = (Sorted.Length - 1) * scores.Probabilities[k];
            int low = (int)Math.Floor(h);
            double expected = low >= Sorted.Length - 1 ? Sorted[^1] : Sorted[low] + (h - low) * (Sorted[low + 1] - Sorted[low]);
            Assert.Equal(expected, scores.Scores[k], 12);
        }
        Assert.Equal(scores.Scores[scores.Probabilities.ToList().IndexOf(0.99)], scores.Quantile(1 - 0.01));
        Assert.Equal(Sorted[0], scores.Quantile(0));
        Assert.Equal(Sorted[^1], scores.Quantile(1));
    }

    [Fact]
    public void ProbabilityIsTheFractionOfTrainingScoresBelowWithinTheGridAndMonotone()
    {
        var scores = TrainingScores.FromSorted(Sorted);
        double previous = -1;
        for (double s = Sorted[0] - 1; s <= Sorted[^1] + 1; s += 0.01)
        {
            double p = scores.Probability(s);
            double empirical = Sorted.Count(v => v < s) / (double)Sorted.Length;
            Assert.InRange(p, 0, 1);
            Assert.True(p >= previous, $"P({s}) = {p} fell below {previous}");
            Assert.True(Math.Abs(p - empirical) <= 0.005 + 1.0 / Sorted.Length, $"P({s}) = {p}, empirical {empirical}");
            previous = p;
        }
        Assert.Equal(0, scores.Probability(Sorted[0]));
        Assert.Equal(1, scores.Probability(Sorted[^1]));
        Assert.Equal(1, scores.Probability(double.PositiveInfinity));
        Assert.Equal(0, scores.Probability(double.NegativeInfinity));
        Assert.True(double.IsNaN(scores.Probability(double.NaN)));
        foreach (var (p, s) in scores.Probabilities.Zip(scores.Scores).Where((_, k) => k % 7 == 3)) Assert.Equal(p, scores.Probability(s), 9);
    }

    [Fact]
    public void TiedQuantilesMakeAStepInsteadOfAnInfinity()
    {
        var scores = TrainingScores.FromSorted([1.0, 2, 2, 2, 2, 2, 3]);

        Assert.Equal(TrainingScores.MaximumSlope, scores.Slope(scores.Scores.ToList().IndexOf(2.0)));
        // Quantiles reach 2 at p = 0.17 (h = 6p = 1.02) and leave it at p = 0.835 (h = 5.01): the CDF jumps there.
        Assert.InRange(scores.Probability(2 - 1e-9), 0.16, 0.171);
        Assert.InRange(scores.Probability(2 + 1e-9), 0.829, 0.84);
        Assert.All(new[] { 0.5, 1, 1.5, 2, 2.5, 3, 4 }, s => Assert.False(double.IsNaN(scores.Probability(s))));
    }

    [Theory]
    [InlineData(new[] { 0.0, 1 }, new[] { 1.0 }, "2 probabilities for 1 score quantiles.")]
    [InlineData(new[] { 0.1, 1 }, new[] { 1.0, 2 }, "The quantile probabilities must run from 0 to 1.")]
    [InlineData(new[] { 0.0, 0.5, 0.5, 1 }, new[] { 1.0, 2, 3, 4 }, "The quantile probabilities are not increasing at 2.")]
    [InlineData(new[] { 0.0, 0.5, 1 }, new[] { 1.0, 0.5, 3 }, "The score quantiles decrease at 1.")]
    [InlineData(new[] { 0.0, 1 }, new[] { 1.0, double.NaN }, "Score quantile 1 (NaN) is not a finite float32 value.")]
    [InlineData(new[] { 0.0, 1 }, new[] { 1.0, 1e39 }, "Score quantile 1 (1E+39) is not a finite float32 value.")]
    public void InconsistentQuantilesAreRefusedWithTheReason(double[] probabilities, double[] scores, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingScores(probabilities, scores));
        Assert.Equal(message, error.Message);
    }
}
