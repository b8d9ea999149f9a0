using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>Mini-batches of an in-memory tensor in a fresh random order per call (an epoch source for training).</summary>
internal static class MiniBatches
{
    /// <summary>
    /// Yields row subsets of <paramref name="data"/> of <paramref name="batchSize"/> rows (the last may be smaller)
    /// in an order drawn from <paramref name="generator"/>. The order lives in managed memory, so a consumer may
    /// dispose each batch (and anything created with it) after using it.
    /// </summary>
    public static IEnumerable<Tensor> Shuffled(Tensor data, int batchSize, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        long count = data.shape[0];
        long[] order;
        using (var permutation = randperm(count, generator: generator))
        {
            order = permutation.data<long>().ToArray();
        }
        for (long start = 0; start < count; start += batchSize)
        {
            var slice = order.AsSpan((int)start, (int)Math.Min(batchSize, count - start)).ToArray();
            using var index = tensor(slice, device: data.device);
            yield return data.index_select(0, index);
        }
    }
}
