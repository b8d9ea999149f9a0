using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Standardized training rows, served one epoch at a time in shuffled mini-batches, so that trainers never need
/// the whole data set in memory (an IDataView cursor can stand behind it).
/// </summary>
internal interface IBatchSource
{
    /// <summary>Number of features of a row.</summary>
    int Dimension { get; }

    /// <summary>One pass over the rows in batches of at most <paramref name="batchSize"/> rows, float32 [n, d].</summary>
    /// <param name="batchSize">Rows per batch.</param>
    /// <param name="generator">Drives the shuffling.</param>
    /// <returns>The batches; each is owned by the caller's dispose scope.</returns>
    IEnumerable<Tensor> Epoch(int batchSize, Generator generator);
}
