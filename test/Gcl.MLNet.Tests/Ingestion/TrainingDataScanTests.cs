using Gcl.MLNet.Ingestion;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit;

namespace Gcl.MLNet.Tests.Ingestion;

public sealed class TrainingDataScanTests
{
    private readonly MLContext mlContext = new(seed: 1);

    [Fact]
    public void HoldsOutTheRowsWhoseSeededDrawIsBelowTheFraction()
    {
        var rows = TestData.Gaussian(2000);
        var data = TestData.View(mlContext, rows);

        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Reject, 0.1, seed: 11);

        var expected = Enumerable.Range(0, 2000).Where(i => ValidationSplit.Draw(11, i) < 0.1).Select(i => (long)i).ToHashSet();
        Assert.True(expected.SetEquals(scan.ValidationPositions));
        Assert.InRange(scan.ValidationCount, 200 - 40, 200 + 40);
        Assert.Equal(2000 - scan.ValidationCount, scan.TrainingRows);
        Assert.Equal(expected.Order().SelectMany(i => rows[i].Features), scan.ValidationValues());
    }

    [Fact]
    public void TheStandardizerIsFittedOnEveryValidRowAndInvalidRowsAreCounted()
    {
        var rows = TestData.Gaussian(100);
        rows[3].Features[1] = float.NaN;
        rows[50].Features[0] = float.PositiveInfinity;
        var data = TestData.View(mlContext, rows);

        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Skip, 0.1, seed: 11);

        var valid = rows.Where((_, i) => i != 3 && i != 50).ToArray();
        Assert.Equal(98, scan.ValidRows);
        Assert.Equal(2, scan.SkippedRows);
        for (int j = 0; j < TestData.Dimension; j++)
        {
            Assert.Equal(valid.Average(r => (double)r.Features[j]), scan.Standardizer.Mean[j], 1e-9);
        }
        Assert.DoesNotContain(3L, scan.ValidationPositions);
        Assert.DoesNotContain(50L, scan.ValidationPositions);
    }

    [Fact]
    public void SmallDataIsToppedUpToTheMinimumValidationRowsByLowestDraw()
    {
        var data = TestData.View(mlContext, TestData.Gaussian(12));

        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Reject, 0.01, seed: 11);

        var lowest = Enumerable.Range(0, 12).OrderBy(i => ValidationSplit.Draw(11, i)).Take(TrainingDataScan.MinimumValidationRows).Select(i => (long)i);
        Assert.Equal(TrainingDataScan.MinimumValidationRows, scan.ValidationCount);
        Assert.True(lowest.ToHashSet().SetEquals(scan.ValidationPositions));
    }

    [Fact]
    public void RejectStopsAtTheFirstInvalidRowAndNamesIt()
    {
        var rows = TestData.Gaussian(40);
        rows[17].Features[2] = float.NaN;
        rows[30].Features[0] = float.NaN;
        var data = TestData.View(mlContext, rows);

        var error = Assert.Throws<ArgumentException>(() => TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Reject, 0.1, 1));

        Assert.Equal("Row 17 of column 'Features' has NaN at feature 2. Remove or impute such rows, or set EnergyModelOptions.InvalidRows " +
            "to InvalidRowHandling.Skip to leave them out. (Parameter 'input')", error.Message);
    }

    [Theory]
    [InlineData(0, 0, "The training data is empty; the energy model needs at least 10 rows in column 'Features'. (Parameter 'input')")]
    [InlineData(6, 0, "The energy model needs at least 10 rows with finite values in column 'Features'; got 6. (Parameter 'input')")]
    [InlineData(12, 12, "The energy model needs at least 10 rows with finite values in column 'Features'; got 0 (12 rows skipped for NaN or infinity). (Parameter 'input')")]
    [InlineData(15, 7, "The energy model needs at least 10 rows with finite values in column 'Features'; got 8 (7 rows skipped for NaN or infinity). (Parameter 'input')")]
    public void TooFewRowsGiveAClearError(int count, int invalid, string message)
    {
        var rows = TestData.Gaussian(count);
        foreach (var row in rows.Take(invalid)) row.Features[0] = float.NaN;
        var data = TestData.View(mlContext, rows);

        var error = Assert.Throws<ArgumentException>(() => TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Skip, 0.1, 1));

        Assert.Equal(message, error.Message);
    }
}
