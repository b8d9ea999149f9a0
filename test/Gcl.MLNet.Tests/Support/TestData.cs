using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Tests.Support;

/// <summary>Small synthetic data sets and tiny training budgets shared by the ML.NET tests.</summary>
internal static class TestData
{
    /// <summary>Features per synthetic row.</summary>
    public const int Dimension = 4;

    /// <summary>
    /// Options that train in about a second (the budgets, hooks and limits can be raised for a test's needs). No kernel
    /// term unless asked for, so the shared fixtures keep the networks' plain behaviour (Model/KernelMixtureModelTests
    /// covers the kernel term).
    /// </summary>
    public static EnergyModelOptions Tiny(int? seed = 7, IProgress<TrainingProgress>? progress = null,
        InvalidRowHandling invalidRows = InvalidRowHandling.Reject, int warmStartSteps = 25, int adversarialIterations = 50,
        CancellationToken cancellation = default, TimeSpan? budget = null, int? kernelCenters = 0) => new()
        {
            FlowBlocks = 2,
            FlowHiddenWidth = 16,
            EnergyHiddenSizes = [16],
            WarmStartSteps = warmStartSteps,
            AdversarialIterations = adversarialIterations,
            KernelCenters = kernelCenters,
            PartitionSamples = 2000,
            BatchSize = 64,
            AdversarialBatchSize = 64,
            Seed = seed,
            Progress = progress,
            InvalidRows = invalidRows,
            CancellationToken = cancellation,
            TimeBudget = budget,
        };

    /// <summary>Options that train in a fraction of a second (tests about plumbing, not quality); no kernel term unless asked for.</summary>
    public static EnergyModelOptions Micro(int? seed, InvalidRowHandling invalidRows = InvalidRowHandling.Reject, int? adversarialIterations = 10,
        double? trainingNoise = null, int? kernelCenters = 0) => new()
        {
            FlowBlocks = 1,
            FlowHiddenWidth = 8,
            EnergyHiddenSizes = [8],
            WarmStartSteps = 6,
            AdversarialIterations = adversarialIterations,
            TrainingNoise = trainingNoise,
            KernelCenters = kernelCenters,
            PartitionSamples = 1000,
            BatchSize = 32,
            AdversarialBatchSize = 32,
            Seed = seed,
            InvalidRows = invalidRows,
        };

    /// <summary>Rows of a correlated Gaussian (feature j = z0 + 0.5 z_j, scaled and shifted per feature).</summary>
    public static FeatureRow[] Gaussian(int count, int seed = 1, int dimension = Dimension)
    {
        var random = new Random(seed);
        var rows = new FeatureRow[count];
        for (int i = 0; i < count; i++)
        {
            double shared = Normal(random);
            var values = new float[dimension];
            for (int j = 0; j < dimension; j++) values[j] = (float)((j + 1) * (shared + 0.5 * Normal(random)) + 10 * j);
            rows[i] = new FeatureRow { Features = values };
        }
        return rows;
    }

    /// <summary>The rows as an IDataView with a known-size <c>Features</c> vector.</summary>
    public static IDataView View(MLContext mlContext, IEnumerable<FeatureRow> rows, int dimension = Dimension)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return mlContext.Data.LoadFromEnumerable(rows, schema);
    }

    /// <summary>The values of a float column.</summary>
    public static float[] Column(IDataView data, string name) => data.GetColumn<float>(name).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>One row of features.</summary>
    public sealed class FeatureRow
    {
        /// <summary>The features.</summary>
        public float[] Features { get; set; } = [];
    }
}
