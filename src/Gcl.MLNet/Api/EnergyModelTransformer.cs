using Gcl.MLNet.Api;
using Gcl.MLNet.Common;
using Gcl.MLNet.DataViews;
using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Gcl.MLNet.Persistence;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Gcl.MLNet;

/// <summary>
/// A fitted energy model as an ML.NET transformer: it passes every input column through and adds <c>Energy</c>,
/// <c>LogDensity</c> (normalized, raw units), <c>Score</c> (= -LogDensity, higher = more anomalous),
/// <c>PredictedLabel</c> (Score above <see cref="EnergyModel.ScoreThreshold"/>) and <c>Probability</c> (the fraction
/// of training rows with a lower Score), and with <see cref="WithExplanations"/> or <see cref="Explain"/>
/// <c>FeatureContributions</c> (each feature's share of the Score, in nats). Score, PredictedLabel and Probability
/// carry the score annotations ML.NET's own anomaly detectors put on theirs (ScoreColumnKind, ScoreColumnSetId, ScoreValueKind).
/// <see cref="WithThreshold"/> and <see cref="WithContamination"/> move the threshold without retraining. Transform
/// is lazy and scores rows in blocks; the transformer is also a row-to-row mapper, so
/// <c>mlContext.Model.CreatePredictionEngine</c> works on it and on chains that contain it. Save it with <see cref="Save(string)"/> and read it back with
/// <see cref="Load(MLContext, string)"/>; <c>mlContext.Model.Save</c> cannot store it (see <see cref="ICanSaveModel.Save"/>).
/// Dispose it to free the model's native memory.
/// </summary>
public sealed class EnergyModelTransformer : ITransformer, IDisposable
{
    private readonly IHostEnvironment environment;
    private readonly EnergyModelOptions? options;
    /// <summary>The archive entry holding the scoring model as ONNX.</summary>
    internal const string OnnxEntryName = "model.onnx";

    private readonly IReadOnlyList<ArchiveEntry> extraEntries;
    private readonly bool explains;

    internal EnergyModelTransformer(IHostEnvironment environment, EnergyModel model, string featureColumnName,
        IReadOnlyList<string>? featureNames, InvalidRowHandling invalidRows, EnergyModelOptions? recordedOptions)
        : this(environment, new ArchivedModel(model, featureColumnName, featureNames, invalidRows, recordedOptions, []), explains: false)
    {
    }

    private EnergyModelTransformer(IHostEnvironment environment, ArchivedModel archived, bool explains)
    {
        this.environment = environment;
        this.explains = explains;
        Model = archived.Model;
        FeatureColumnName = archived.FeatureColumn;
        FeatureNames = archived.FeatureNames;
        InvalidRows = archived.InvalidRows;
        options = archived.Options;
        extraEntries = archived.Extra;
    }

    /// <summary>Gets the fitted model: scoring, sampling, log Z with its diagnostics, the training summary.</summary>
    /// <value>The model, owned by this transformer.</value>
    public EnergyModel Model { get; }

    /// <summary>Gets the name of the feature column the transformer reads.</summary>
    /// <value>The column name given at training.</value>
    public string FeatureColumnName { get; }

    /// <summary>Gets the feature names: the training column's slot names when the training data had them, or those given to <see cref="WithFeatureNames"/>.</summary>
    /// <value>One name per feature, or null.</value>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>Gets what scoring does with a row whose features hold NaN or infinity (from the training options).</summary>
    /// <value>Reject (an error naming the row) or Skip (NaN outputs, PredictedLabel false).</value>
    public InvalidRowHandling InvalidRows { get; }

    /// <summary>Gets whether the transformer maps rows one to one: always true.</summary>
    /// <value>True.</value>
    public bool IsRowToRowMapper => true;

    /// <summary>The schema <see cref="Transform"/> produces for <paramref name="inputSchema"/>.</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The input columns followed by Energy, LogDensity, Score, PredictedLabel, Probability and, for a transformer from <see cref="WithExplanations"/>, FeatureContributions.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, not a vector of Single, or of another size.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Plan(inputSchema, nameof(inputSchema)).Output;

    /// <summary>Scores <paramref name="input"/> lazily, in blocks of rows.</summary>
    /// <param name="input">Rows with the feature column.</param>
    /// <returns>The input with the added columns (see <see cref="GetOutputSchema"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, not a vector of Single, or of another size.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(input, Plan(input.Schema, nameof(input)));
    }

    /// <summary>A row mapper for <paramref name="inputSchema"/> (used by PredictionEngine and transformer chains).</summary>
    /// <param name="inputSchema">The input schema.</param>
    /// <returns>The mapper.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, not a vector of Single, or of another size.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new ScoringRowMapper(Plan(inputSchema, nameof(inputSchema)));

    /// <summary>
    /// A transformer that differs from this one only in PredictedLabel: true where Score exceeds
    /// <paramref name="score"/>. Nothing is retrained or copied; the two share the model's native modules, and each is
    /// disposed on its own (the modules are freed when both are). The threshold is rounded to float32, the precision
    /// of Score, so every scoring path (TorchSharp, managed, ONNX) labels alike; it is saved with the transformer and
    /// exported into the ONNX graph.
    /// </summary>
    /// <param name="score">The new threshold on Score, in nats.</param>
    /// <returns>The new transformer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="score"/> is not a finite float32 value.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public EnergyModelTransformer WithThreshold(double score)
    {
        Require.FiniteSingle(nameof(EnergyModelTransformer), nameof(WithThreshold), score);
        return Derive(Model.WithThreshold((float)score), FeatureNames, explains);
    }

    /// <summary>
    /// <see cref="WithThreshold"/> at the (1 - <paramref name="fraction"/>) quantile of the training scores, so that
    /// about that fraction of the training rows is labelled anomalous. The quantile is interpolated linearly between
    /// the quantiles the model stores (every 0.5%, every 0.05% above 99%, and 99.99%; exact at those), which may differ
    /// slightly from the order statistic training itself used for <c>Contamination</c>.
    /// </summary>
    /// <param name="fraction">The expected fraction of anomalies, in (0, 1).</param>
    /// <returns>The new transformer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in (0, 1).</exception>
    /// <exception cref="InvalidOperationException">The model file predates stored training scores (Gcl.MLNet 0.1); use <see cref="WithThreshold"/>.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public EnergyModelTransformer WithContamination(double fraction)
    {
        Require.Between(nameof(EnergyModelTransformer), nameof(WithContamination), fraction, 0, 1);
        Model.ThrowIfDisposed();
        var scores = Model.TrainingScores ?? throw new InvalidOperationException(
            "WithContamination needs the quantiles of the training scores, which model files saved by Gcl.MLNet 0.1 do not hold. " +
            "Choose the threshold on Score with WithThreshold(score), or retrain the model with this version to store them.");
        return Derive(Model.WithThreshold((float)scores.Quantile(1 - fraction)), FeatureNames, explains);
    }

    /// <summary>
    /// A transformer that also adds <c>FeatureContributions</c>: a vector of Single, one value per feature (with the
    /// feature names as slot names when known), each feature's contribution to Score in nats, by integrated gradients
    /// from the training mean (see <see cref="EnergyModel.Explain"/>); they add up to Score minus the Score of the
    /// training mean. Use it for PredictionEngine outputs; for a data view, <see cref="Explain"/> does the same.
    /// Explanations cost about 16 gradient passes per row, so they are added only on request and computed only when
    /// the column is read. The transformer shares the model as <see cref="WithThreshold"/> does; the choice is not saved.
    /// </summary>
    /// <returns>The explaining transformer.</returns>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public EnergyModelTransformer WithExplanations() => Derive(Model.WithThreshold(Model.ScoreThreshold), FeatureNames, explains: true);

    /// <summary>
    /// A transformer that names the features <paramref name="featureNames"/>: they become the slot names of
    /// FeatureContributions, the <c>feature_names</c> metadata of exported ONNX models and the names saved with the
    /// model, for training data whose column had no slot names. It shares the model as <see cref="WithThreshold"/> does.
    /// </summary>
    /// <param name="featureNames">One name per feature, in feature order.</param>
    /// <returns>The new transformer.</returns>
    /// <exception cref="ArgumentException">The count does not match the features, or a name is empty.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public EnergyModelTransformer WithFeatureNames(IReadOnlyList<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        if (featureNames.Count != Model.FeatureCount)
        {
            throw new ArgumentException($"Got {featureNames.Count} feature names for a model of {Model.FeatureCount} features.", nameof(featureNames));
        }
        if (featureNames.Any(string.IsNullOrEmpty)) throw new ArgumentException("Feature names must not be empty.", nameof(featureNames));
        return Derive(Model.WithThreshold(Model.ScoreThreshold), [.. featureNames], explains);
    }

    /// <summary>
    /// Scores <paramref name="data"/> lazily as <see cref="Transform"/> does and adds <c>FeatureContributions</c>
    /// (see <see cref="WithExplanations"/>), computed block by block only when the column is read.
    /// </summary>
    /// <param name="data">Rows with the feature column.</param>
    /// <returns>The input with the added columns, FeatureContributions last.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, not a vector of Single, or of another size.</exception>
    public IDataView Explain(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new ScoredDataView(data, Plan(data.Schema, nameof(data), explain: true));
    }

    /// <summary>
    /// Draws rows lazily in blocks, by default from the energy model p(x) = exp(-E(x)) / Z (the density that scoring
    /// reports); <see cref="SampleSource.Generator"/> draws from the flow generator instead.
    /// </summary>
    /// <param name="count">Number of rows, at least 0.</param>
    /// <param name="seed">Seed of the draw; null draws one from the MLContext's random source.</param>
    /// <param name="source">The density to draw from.</param>
    /// <returns>A <c>Features</c> vector column in raw units (training size, slot names when known), <c>Energy</c> and <c>LogDensity</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or count times the feature count exceeds <see cref="EnergyModel.MaximumSampleValues"/>, or <paramref name="source"/> is not defined.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IDataView GenerateSamples(int count, int? seed = null, SampleSource source = SampleSource.EnergyModel)
    {
        Model.ThrowIfDisposed();
        Model.CheckSampleCount(count, nameof(count));
        if (!Enum.IsDefined(source)) throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown sample source.");
        return new SampleDataView(Model, FeatureNames, count, seed ?? environment.Register(nameof(GenerateSamples)).Rand.Next(), source);
    }

    /// <summary>Always throws: ML.NET's model format cannot hold third-party transformers.</summary>
    /// <param name="ctx">Unused.</param>
    /// <exception cref="NotSupportedException">Always; the message names the ways that work.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(
        "EnergyModelTransformer cannot be saved with mlContext.Model.Save: ML.NET's model format only holds its own " +
        "transformers. Save it with transformer.Save(path) and read it back with EnergyModelTransformer.Load(mlContext, path), " +
        "or export the model to ONNX and score it with mlContext.Transforms.ApplyOnnxModel, which mlContext.Model.Save can store.");

    /// <summary>
    /// Writes the scoring model as ONNX (opset 17): input named like the feature column, outputs <c>Energy</c>,
    /// <c>LogDensity</c>, <c>Score</c>, <c>PredictedLabel</c> (at this transformer's threshold) and <c>Probability</c>,
    /// standardization and log Z inside the graph; <c>model_version</c>, doc strings on the graph and on every input
    /// and output, and metadata properties (feature names when known, log Z, threshold).
    /// </summary>
    /// <param name="destination">A writable stream (left open).</param>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public void ExportScoringOnnx(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(EnergyModelOnnxExporter.Scoring(Model, FeatureColumnName, FeatureNames));
    }

    /// <summary>
    /// Writes the flow generator as ONNX (opset 17): input <c>Noise</c> [N, d] standard normal, outputs
    /// <c>Samples</c> [N, d] in raw units with their <c>Energy</c> and the energy model's <c>LogDensity</c>. The rows are
    /// draws from the generator q, not from the energy model p = exp(-E)/Z (for those, use
    /// <see cref="GenerateSamples"/> or <see cref="EnergyModel.Sample"/>).
    /// </summary>
    /// <param name="destination">A writable stream (left open).</param>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public void ExportGeneratorOnnx(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(EnergyModelOnnxExporter.Generator(Model, FeatureNames));
    }

    /// <summary>
    /// An ML.NET pipeline that scores with this model's scoring ONNX instead of TorchSharp: <c>ApplyOnnxModel</c> on
    /// the ONNX bytes (embedded, no file needed), then the stateless <see cref="OnnxScoreUnwrapping"/> and
    /// <see cref="OnnxProbabilityUnwrapping"/> mappings, so it emits the same scalar <c>Energy</c>, <c>LogDensity</c>,
    /// <c>Score</c>, <c>PredictedLabel</c> (at this transformer's threshold) and <c>Probability</c> columns. Fit it on
    /// any data with the feature column (nothing is learned); <c>mlContext.Model.Save</c> stores the result and
    /// <c>mlContext.Model.Load</c> reads it back without this library's TorchSharp part, after
    /// <c>mlContext.ComponentCatalog.RegisterAssembly(typeof(OnnxScoreUnwrapping).Assembly)</c>. Running it needs ONNX
    /// Runtime's native library: reference the Microsoft.ML.OnnxRuntime package (or a GPU build of it).
    /// </summary>
    /// <param name="mlContext">The context the pipeline belongs to; the unwrapping mapping is registered on it.</param>
    /// <returns>The estimator; its fitted transformer scores like this transformer, in float32.</returns>
    /// <exception cref="InvalidOperationException">ONNX Runtime's native library cannot be loaded.</exception>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public IEstimator<ITransformer> CreateOnnxScoringPipeline(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return OnnxScoringPipeline.Create(mlContext, EnergyModelOnnxExporter.Scoring(Model, FeatureColumnName, FeatureNames), FeatureColumnName);
    }

    /// <summary>
    /// Saves the transformer to a model file: a versioned zip holding <c>manifest.json</c> (format version, feature
    /// column, count and names, standardizer, architecture, options, threshold, seed, training summary with log Z and
    /// its diagnostics, and the length and SHA-256 of every other entry), <c>manifest.sha256</c> (the SHA-256 of the
    /// manifest), the network weights, and the scoring model as <c>model.onnx</c> (see <see cref="ExportScoringOnnx"/>;
    /// its input is named after the feature column, or <c>Features</c> when the column is named like an output). The
    /// file is written beside <paramref name="path"/> under a temporary name and then renamed over it, so a failure
    /// leaves an existing file as it was.
    /// </summary>
    /// <param name="path">File to create or overwrite.</param>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var lease = Model.Enter();
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Save(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes the model file to <paramref name="stream"/> (left open); nothing is written when the transformer was disposed.</summary>
    /// <param name="stream">A writable stream.</param>
    /// <exception cref="ObjectDisposedException">The transformer was disposed.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var lease = Model.Enter();
        TorchRuntime.EnsureLoaded();
        string onnxInput = OutputColumns.IsAdded(FeatureColumnName) ? EnergyModelOnnxExporter.DefaultInputName : FeatureColumnName;
        var onnx = EnergyModelOnnxExporter.Scoring(Model, onnxInput, FeatureNames);
        var entries = extraEntries.Where(e => e.Name != OnnxEntryName).Append(new ArchiveEntry(OnnxEntryName, onnx)).ToArray();
        ModelArchive.Write(stream, new ArchivedModel(Model, FeatureColumnName, FeatureNames, InvalidRows, options, entries));
    }

    /// <summary>Loads a transformer saved with <see cref="Save(string)"/>.</summary>
    /// <param name="mlContext">The context whose log and random source the transformer uses.</param>
    /// <param name="path">The model file.</param>
    /// <returns>The transformer; it scores exactly as the saved one did.</returns>
    /// <exception cref="InvalidDataException">The file is truncated, modified, not a model file, or of a newer format version.</exception>
    public static EnergyModelTransformer Load(MLContext mlContext, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return Load(mlContext, file);
    }

    /// <summary>Loads a transformer from a model file's bytes in <paramref name="stream"/> (left open).</summary>
    /// <param name="mlContext">The context whose log and random source the transformer uses.</param>
    /// <param name="stream">A readable stream.</param>
    /// <returns>The transformer.</returns>
    /// <exception cref="InvalidDataException">The stream does not hold a valid model file.</exception>
    public static EnergyModelTransformer Load(MLContext mlContext, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(stream);
        TorchRuntime.EnsureLoaded();
        return new EnergyModelTransformer(mlContext, ModelArchive.Read(stream), explains: false);
    }

    /// <summary>Frees the model's native memory, or, when transformers derived with WithThreshold and the like still use it, leaves it to the last of them.</summary>
    public void Dispose() => Model.Dispose();

    private ScoringPlan Plan(DataViewSchema inputSchema, string paramName, bool explain = false)
    {
        ArgumentNullException.ThrowIfNull(inputSchema, paramName);
        return new ScoringPlan(Model, FeatureColumnName, InvalidRows, inputSchema, paramName, explain || explains, FeatureNames);
    }

    private EnergyModelTransformer Derive(EnergyModel view, IReadOnlyList<string>? featureNames, bool explains) =>
        new(environment, new ArchivedModel(view, FeatureColumnName, featureNames, InvalidRows, options, extraEntries), explains);
}
