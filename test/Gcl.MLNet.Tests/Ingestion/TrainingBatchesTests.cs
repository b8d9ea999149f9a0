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

        var held = TrainingBatches.Create(data, data.Schema["Features"], scan);
        var streamed = TrainingBatches.Create(data, data.Schema["Features"], scan, maximumInMemoryValues: scan.TrainingRows * TestData.Dimension - 1);

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
