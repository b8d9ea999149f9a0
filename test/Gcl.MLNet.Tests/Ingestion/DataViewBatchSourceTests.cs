using Gcl.MLNet.Ingestion;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Ingestion;

public sealed class DataViewBatchSourceTests
{
    [Fact]
    public void AnEpochServesEveryTrainingRowOnceStandardizedAndShuffled()
    {
        var rows = TestData.Gaussian(700);
        rows[5].Features[3] = float.NaN;
        var data = TestData.View(new MLContext(1), rows);
        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Skip, 0.1, seed: 3);
        var source = new DataViewBatchSource(data, data.Schema["Features"], scan.Standardizer, scan.ValidationPositions);
        using var generator = new Generator(9);

        var (first, sizes) = Epoch(source, scan.Standardizer, 64, generator);
        var (second, _) = Epoch(source, scan.Standardizer, 64, generator);

        var expected = rows.Where((_, i) => i != 5 && !scan.ValidationPositions.Contains(i)).Select(r => r.Features[0]).Order().ToArray();
        Assert.Equal(expected.Length, scan.TrainingRows);
        Assert.Equal(expected, first.Select(r => r[0]).Order().ToArray(), (a, b) => Math.Abs(a - b) < 1e-3f);
        Assert.All(sizes.SkipLast(1), s => Assert.Equal(64, s));
        Assert.NotEqual(first.Select(r => r[0]), second.Select(r => r[0]));
        Assert.NotEqual(rows.Select(r => r.Features[0]).Where(expected.Contains), first.Select(r => r[0]));
    }

    [Fact]
    public void TheSameGeneratorSeedGivesTheSameBatches()
    {
        var data = TestData.View(new MLContext(1), TestData.Gaussian(300));
        var scan = TrainingDataScan.Run(data, data.Schema["Features"], InvalidRowHandling.Reject, 0.1, seed: 3);
        var source = new DataViewBatchSource(data, data.Schema["Features"], scan.Standardizer, scan.ValidationPositions);

        float[] Run(ulong seed)
        {
            using var generator = new Generator(seed);
            return Epoch(source, scan.Standardizer, 32, generator).Rows.SelectMany(r => r).ToArray();
        }

        Assert.Equal(Run(4), Run(4));
        Assert.NotEqual(Run(4), Run(5));
    }

    // Rows of one epoch mapped back to raw units, and the batch sizes.
    private static (List<float[]> Rows, List<long> Sizes) Epoch(DataViewBatchSource source, Gcl.MLNet.Flows.Standardizer standardizer, int batchSize, Generator generator)
    {
        var rows = new List<float[]>();
        var sizes = new List<long>();
        using var batches = source.Epoch(batchSize, generator).GetEnumerator();
        while (true)
        {
            using var scope = NewDisposeScope();
            if (!batches.MoveNext()) break;
            var batch = batches.Current;
            Assert.Equal(ScalarType.Float32, batch.dtype);
            sizes.Add(batch.shape[0]);
            var raw = standardizer.Invert(batch).data<float>().ToArray();
            for (int i = 0; i < raw.Length; i += source.Dimension) rows.Add(raw[i..(i + source.Dimension)]);
        }
        return (rows, sizes);
    }
}
