using Gcl.MLNet.Ingestion;
using Xunit;

namespace Gcl.MLNet.Tests.Ingestion;

public sealed class ShuffleBufferTests
{
    [Theory]
    [InlineData(100, 1000)]
    [InlineData(5000, 300)]
    public void EveryRowLeavesExactlyOnceInAShuffledOrder(int rows, int capacity)
    {
        var output = Shuffle(rows, capacity, seed: 1);

        Assert.Equal(Enumerable.Range(0, rows).Select(i => (float)i), output.Order());
        Assert.NotEqual(Enumerable.Range(0, rows).Select(i => (float)i), output);
        Assert.Equal(output, Shuffle(rows, capacity, seed: 1));
        Assert.NotEqual(output, Shuffle(rows, capacity, seed: 2));
    }

    [Fact]
    public void DataNoLargerThanTheCapacityIsShuffledAcrossTheWholeSet()
    {
        // With a window as large as the data, the first row out is uniform over all rows: its mean position is about n / 2.
        double meanFirst = Enumerable.Range(0, 400).Average(seed => Shuffle(1000, 1000, seed)[0]);

        Assert.InRange(meanFirst, 500 - 60, 500 + 60);
    }

    private static List<float> Shuffle(int rows, int capacity, int seed)
    {
        var buffer = new ShuffleBuffer(capacity, 2, new Random(seed));
        var output = new List<float>();
        var evicted = new float[2];
        for (int i = 0; i < rows; i++)
        {
            if (buffer.Add([i, -i], evicted)) Take(evicted, output);
        }
        while (buffer.TryTake(evicted)) Take(evicted, output);
        return output;
    }

    private static void Take(float[] row, List<float> output)
    {
        Assert.Equal(-row[0], row[1]); // rows travel whole
        output.Add(row[0]);
    }
}
