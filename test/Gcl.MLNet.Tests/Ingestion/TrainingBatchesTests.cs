using Gcl.MLNet.Ingestion;
using Gcl.MLNet.Tests.Support;
using Gcl.MLNet.Training;
using Microsoft.ML;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Ingestion;

public sealed class TrainingBatchesTests
{
    [Fact]
    public void RowsThatFitInMemoryAreHeldInOneTensorAndServeTheSameRowsAsTheStream()
    {
        var rows = TestData.Gaussian(500);
        rows[7].Features[1] = float.PositiveInfinity;
        var data = TestData.View(new MLContext(1), rows);
        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Skip, 0.1, seed: 3);

        var held = TrainingBatches.Create(data, data.Schema["Features"], scan, InvalidRowHandling.Skip);
        var streamed = TrainingBatches.Create(data, data.Schema["Features"], scan, InvalidRowHandling.Skip, maximumInMemoryValues: scan.TrainingRows * TestData.Dimension - 1);

        using (held as IDisposable)
        {
            Assert.IsType<TensorBatchSource>(held);
            Assert.IsType<DataViewBatchSource>(streamed);
            Assert.Equal(Sorted(streamed), Sorted(held));
            Assert.Equal(scan.TrainingRows, Sorted(held).Length / TestData.Dimension);
        }
    }

    [Fact]
    public void ASecondPassWithOtherRowsThanTheScanIsAnError()
    {
        var data = TestData.View(new MLContext(1), TestData.Gaussian(200));
        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Reject, 0.1, seed: 3);
        var source = new DataViewBatchSource(data, data.Schema["Features"], scan.Standardizer, scan.ValidationPositions);

        var error = Assert.Throws<InvalidOperationException>(() => source.ReadAll(scan.TrainingRows + 1));

        Assert.Contains("an IDataView must give the same rows to every cursor", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARowThatTurnsNonFiniteAfterTheScanIsNamedWithItsPass(bool streamed)
    {
        var rows = TestData.Gaussian(200);
        int enumerations = 0;
        IEnumerable<TestData.FeatureRow> Changing()
        {
            bool later = ++enumerations > 1;
            for (int i = 0; i < rows.Length; i++)
            {
                yield return later && i == 42 ? new TestData.FeatureRow { Features = [1, float.NaN, 3, 4] } : rows[i];
            }
        }
        var data = TestData.View(new MLContext(1), Changing());
        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Reject, 0.01, seed: 3);
        Assert.DoesNotContain(42L, scan.ValidationPositions);

        var error = Assert.Throws<InvalidOperationException>(() =>
        {
            var source = TrainingBatches.Create(data, data.Schema["Features"], scan, InvalidRowHandling.Reject, maximumInMemoryValues: streamed ? 0 : long.MaxValue);
            Sorted(source);
        });

        Assert.StartsWith("Row 42 of column 'Features' has NaN at feature 1 in pass 2 over the data, though the first pass read only finite values", error.Message);
    }

    // Every value one pass serves, sorted (the order is the shuffle's business).
    private static float[] Sorted(IBatchSource source)
    {
        using var generator = new Generator(4);
        var values = new List<float>();
        foreach (var batch in source.Epoch(64, generator))
        {
            using (batch) values.AddRange(batch.data<float>().ToArray());
        }
        return [.. values.Order()];
    }
}
