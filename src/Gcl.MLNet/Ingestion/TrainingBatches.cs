using Gcl.MLNet.Training;
using Microsoft.ML;
using static TorchSharp.torch;

namespace Gcl.MLNet.Ingestion;

/// <summary>
/// Chooses how training batches reach the trainers. Training rows that fit in <see cref="MaximumInMemoryValues"/>
/// float32 values (256 MiB) are read once, standardized into one tensor and shuffled there, so a pass costs no
/// cursor and no copying; more rows are streamed from the IDataView on every pass through a bounded shuffle buffer
/// (<see cref="DataViewBatchSource"/>). Both hold the same rows: validation rows and rows with NaN or infinity left out.
/// </summary>
internal static class TrainingBatches
{
    /// <summary>Most values (rows times features) held in memory: 256 MiB of float32.</summary>
    public const long MaximumInMemoryValues = 64L << 20;

    /// <summary>The batch source for the training rows of <paramref name="scan"/>; dispose it after training.</summary>
    public static IBatchSource Create(IDataView data, DataViewSchema.Column column, TrainingDataScan scan, InvalidRowHandling invalidRows,
        long maximumInMemoryValues = MaximumInMemoryValues)
    {
        var streamed = new DataViewBatchSource(data, column, scan.Standardizer, scan.ValidationPositions, invalidRows);
        if (scan.TrainingRows * streamed.Dimension > maximumInMemoryValues) return streamed;
        Tensor standardized;
        using (var raw = tensor(streamed.ReadAll(scan.TrainingRows), [scan.TrainingRows, streamed.Dimension]))
        {
            standardized = scan.Standardizer.Apply(raw);
        }
        using (standardized) return new TensorBatchSource(standardized);
    }
}
