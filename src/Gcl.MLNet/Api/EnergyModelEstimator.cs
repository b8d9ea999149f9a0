using System.Globalization;
using Gcl.MLNet.Api;
using Gcl.MLNet.Common;
using Gcl.MLNet.DataViews;
using Gcl.MLNet.Ingestion;
using Gcl.MLNet.Native;
using Gcl.MLNet.Persistence;
using Gcl.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Gcl.MLNet;

/// <summary>
/// Fits an energy model (Finn et al. 2016: an energy network and a normalizing-flow generator trained
/// adversarially) to a known-size vector column of Single, and returns an <see cref="EnergyModelTransformer"/> that
/// adds <c>Energy</c>, <c>LogDensity</c>, <c>Score</c> (= -LogDensity, higher = more anomalous) and
/// <c>PredictedLabel</c> (Score above the fitted threshold). Create it with
/// <c>mlContext.Transforms.EnergyModel(...)</c> or <c>mlContext.AnomalyDetection.Trainers.EnergyModel(...)</c>; the
/// latter leaves out the adversarial stage and the kernel term and adds more training noise unless
/// <see cref="EnergyModelOptions.AdversarialIterations"/>, <see cref="EnergyModelOptions.KernelCenters"/> and
/// <see cref="EnergyModelOptions.TrainingNoise"/> are set.
/// </summary>
/// <remarks>
/// Training streams the data: one pass standardizes the features and keeps the validation rows, then every epoch
/// opens a new cursor (cache upstream work with <c>AppendCacheCheckpoint</c> if it is expensive). Progress goes to
/// <see cref="EnergyModelOptions.Progress"/> and to the MLContext log.
/// </remarks>
public sealed class EnergyModelEstimator : IEstimator<EnergyModelTransformer>
{
    private readonly IHostEnvironment environment;
    private readonly FitPurpose purpose;

    internal EnergyModelEstimator(IHostEnvironment environment, string featureColumnName, EnergyModelOptions? options, FitPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentException.ThrowIfNullOrEmpty(featureColumnName);
        this.environment = environment;
        this.purpose = purpose;
        FeatureColumnName = featureColumnName;
        Options = options ?? new EnergyModelOptions();
    }

    /// <summary>Gets the name of the feature column.</summary>
    /// <value>A known-size vector column of Single.</value>
    public string FeatureColumnName { get; }

    /// <summary>Gets the training options.</summary>
    /// <value>The options passed in, or the defaults.</value>
    public EnergyModelOptions Options { get; }

    /// <summary>Checks the feature column and describes the output: the input columns plus the four added ones.</summary>
    /// <param name="inputSchema">The shape of the input.</param>
    /// <returns>The output shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a known-size vector of Single.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FeatureColumn.Check(inputSchema, FeatureColumnName, nameof(inputSchema));
        return OutputColumns.Append(inputSchema);
    }

    /// <summary>Trains the model on <paramref name="input"/>.</summary>
    /// <param name="input">Training rows; the feature column must be a known-size vector of Single.</param>
    /// <returns>The fitted transformer (dispose it to free native memory).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range, the model would hold more than 64 MiB of weights for this feature count, or the feature column is missing or of the wrong type.</exception>
    /// <exception cref="ArgumentException">The data is empty, too small, or holds NaN or infinity under <see cref="InvalidRowHandling.Reject"/>.</exception>
    /// <exception cref="InvalidOperationException">Training diverged beyond recovery.</exception>
    public EnergyModelTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Options.Validate();
        var column = FeatureColumn.Find(input.Schema, FeatureColumnName, nameof(input), expectedSize: null);
        int dimension = ((VectorDataViewType)column.Type).Size;
        Options.ValidateSize(dimension);
        var host = environment.Register(nameof(EnergyModel));
        var limits = new TrainingLimits(Options.CancellationToken, Options.TimeBudget, HostCancellation.Observe(host));
        long seed = Options.Seed ?? host.Rand.Next();
        using var channel = host.Start(nameof(EnergyModel));
        TorchRuntime.EnsureLoaded();
        TorchRuntime.SetThreads(Options.Threads ?? 1);

        var scan = TrainingDataScan.Run(input, column, Options.InvalidRows, Options.ValidationFraction, seed);
        limits.ThrowIfCanceled();
        Announce(channel, scan, dimension, seed);
        EnergyModel model;
        var settings = Options.ToSettings(seed, purpose);
        var source = TrainingBatches.Create(input, column, scan, Options.InvalidRows);
        // Modules are created inside Train, outside any dispose scope: their parameters must outlive it.
        try
        {
            using var validation = Standardized(scan, dimension);
            var progress = new ProgressLog(channel, Options.Progress);
            model = new EnergyModel(EnergyModelTrainer.Train(source, validation, scan.Standardizer, settings,
                progress.Report, new TrainingDataFacts(scan.TrainingRows, scan.SkippedRows), limits));
        }
        finally
        {
            (source as IDisposable)?.Dispose();
        }
        if (model.Summary.TimeBudgetExhaustedIn is { } stage)
        {
            channel.Warning(MessageSensitivity.None, $"The time budget of {Options.TimeBudget} ran out in the {stage} stage; the model is the best state validated before then.");
        }
        var partition = model.Partition;
        if (partition.IsReliable) channel.Info(MessageSensitivity.None, "Final " + partition.Describe());
        else channel.Warning(MessageSensitivity.None, $"Final {partition.Describe()}: LogDensity values may be off by more than the standard error suggests; give training more budget or data.");
        return new EnergyModelTransformer(environment, model, FeatureColumnName, FeatureColumn.SlotNames(column, dimension), Options.InvalidRows,
            ManifestJson.Record(Options, settings));
    }

    private void Announce(IChannel channel, TrainingDataScan scan, int dimension, long seed)
    {
        channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
            $"Training an energy model on column '{FeatureColumnName}': {scan.TrainingRows} training and {scan.ValidationCount} validation rows of {dimension} features, seed {seed}."));
        if (scan.SkippedRows > 0)
        {
            channel.Warning(MessageSensitivity.None, $"Skipped {scan.SkippedRows} rows of column '{FeatureColumnName}' with NaN or infinity.");
        }
        if (scan.Standardizer.ConstantFeatures.Count > 0)
        {
            channel.Warning(MessageSensitivity.None,
                $"Features {string.Join(", ", scan.Standardizer.ConstantFeatures)} of column '{FeatureColumnName}' are constant in the training data: " +
                "they are given scale 1 and carry no information, and rows that differ there will score as very unlikely.");
        }
    }

    private static Tensor Standardized(TrainingDataScan scan, int dimension)
    {
        using var raw = tensor(scan.ValidationValues(), [scan.ValidationCount, dimension]);
        return scan.Standardizer.Apply(raw);
    }
}
