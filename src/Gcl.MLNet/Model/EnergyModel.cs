using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet;

/// <summary>
/// A fitted energy model, independent of ML.NET: the standardizer, the energy E, the flow generator q, the
/// importance-sampled log Z with its diagnostics, the anomaly threshold and the training summary.
/// <c>LogDensity(x) = -E(u) - log Zhat - sum(log s)</c> with <c>u = (x - m) / s</c>: normalized, in the data's raw units.
/// Scoring is batched and safe to call from several threads at once. <see cref="Dispose"/> may race with scoring:
/// calls already running finish normally, calls that start later throw <see cref="ObjectDisposedException"/>, and the
/// native memory is freed when the last running call leaves. Scores are also read as an outlier probability, the
/// fraction of training rows with a lower score, from quantiles of the training scores kept with the model.
/// </summary>
public sealed class EnergyModel : IDisposable
{
    /// <summary>Draws from the generator that stand in for the training scores of a model file that lacks them.</summary>
    internal const int FallbackScoreDraws = 16384;

    private readonly ScalarType dtype;
    private readonly Lazy<ManagedScorer?> managedScorer;
    private readonly Lazy<TrainingScores> scoreDistribution;
    private readonly SharedModules modules;
    private readonly object gate = new();
    private bool disposed;
    private readonly double[] mean;
    private readonly double[] scale;

    /// <summary>Wraps what training fitted; the model owns its modules from here on.</summary>
    internal EnergyModel(TrainingResult fitted)
        : this(fitted.Standardizer, fitted.Energy, fitted.Generator, fitted.ScoreThreshold, fitted.TrainingScores, fitted.Summary)
    {
    }

    /// <summary>Wraps fitted or loaded parts; <paramref name="trainingScores"/> is null for model files saved before they were stored.</summary>
    internal EnergyModel(Standardizer standardizer, EnergyFunction energy, NormalizingFlow generator, double scoreThreshold,
        TrainingScores? trainingScores, TrainingSummary summary)
    {
        Standardizer = standardizer;
        Energy = energy;
        Generator = generator;
        ScoreThreshold = scoreThreshold;
        TrainingScores = trainingScores;
        Summary = summary;
        dtype = generator.parameters().First().dtype;
        mean = standardizer.Mean;
        scale = standardizer.Scale;
        energy.eval();
        generator.eval();
        modules = new SharedModules(energy, generator);
        managedScorer = new(() => ManagedScorer.TryCreate(standardizer, energy, dtype));
        scoreDistribution = new(() => TrainingScores ?? GeneratorScores());
    }

    // A view of source with another threshold, sharing its modules, managed copy and score distribution.
    private EnergyModel(EnergyModel source, double scoreThreshold)
    {
        Standardizer = source.Standardizer;
        Energy = source.Energy;
        Generator = source.Generator;
        ScoreThreshold = scoreThreshold;
        TrainingScores = source.TrainingScores;
        Summary = source.Summary;
        dtype = source.dtype;
        mean = source.mean;
        scale = source.scale;
        modules = source.modules;
        managedScorer = source.managedScorer;
        scoreDistribution = source.scoreDistribution;
    }

    /// <summary>Number of features a row must have.</summary>
    /// <value>The training feature count.</value>
    public int FeatureCount => Generator.Dimension;

    /// <summary>The final log Z estimate and its diagnostics (also in <see cref="Summary"/>).</summary>
    /// <value>The estimate.</value>
    public LogPartitionEstimate Partition => Summary.Partition;

    /// <summary>Rows whose Score (-LogDensity) exceeds this are predicted anomalous.</summary>
    /// <value>The (1 - contamination) quantile of the training scores, or the threshold a transformer's <c>WithThreshold</c> or <c>WithContamination</c> chose.</value>
    public double ScoreThreshold { get; }

    /// <summary>The quantiles of the training rows' scores; null for model files saved before they were stored.</summary>
    internal TrainingScores? TrainingScores { get; }

    /// <summary>
    /// The score distribution behind the Probability output: <see cref="TrainingScores"/>, or for model files without
    /// them, the quantiles of the scores of <see cref="FallbackScoreDraws"/> seeded draws from the generator (the flow
    /// trained to match the data), computed on first use.
    /// </summary>
    internal TrainingScores ScoreDistribution => scoreDistribution.Value;

    /// <summary>What training did and how good the result is.</summary>
    /// <value>The summary.</value>
    public TrainingSummary Summary { get; }

    internal Standardizer Standardizer { get; }

    internal EnergyFunction Energy { get; }

    internal NormalizingFlow Generator { get; }

    /// <summary>
    /// Most values (rows times features) one <see cref="Sample"/> call or one sample view may produce: 2^28, a
    /// gigabyte of float32 features. Larger counts are refused up front instead of failing in the allocator.
    /// </summary>
    public const long MaximumSampleValues = 1L << 28;

    /// <summary>Energy and normalized raw-unit log-density of rows given row-major in <paramref name="rows"/>.</summary>
    /// <param name="rows">Row-major features, a multiple of <see cref="FeatureCount"/> long, all finite.</param>
    /// <param name="energy">Receives E(u) per row.</param>
    /// <param name="logDensity">Receives the log-density per row.</param>
    /// <exception cref="ArgumentException">Lengths do not match or a value is not finite.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public void Score(ReadOnlySpan<float> rows, Span<float> energy, Span<float> logDensity)
    {
        using var lease = Enter();
        int count = RowCount(rows.Length);
        if (energy.Length != count || logDensity.Length != count)
            throw new ArgumentException($"Expected output spans of {count} values for {count} rows.");
        for (int i = 0; i < rows.Length; i++)
        {
            if (!float.IsFinite(rows[i])) throw new ArgumentException($"Row {i / FeatureCount}, feature {i % FeatureCount} is {rows[i]}; features must be finite.", nameof(rows));
        }
        if (count == 0) return;
        TorchRuntime.EnsureLoaded();
        if (count <= ManagedScorer.MaxRows && managedScorer.Value is { } managed)
        {
            managed.Score(rows, energy, logDensity, -Partition.LogZ + Standardizer.LogDetToRaw);
            return;
        }
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(rows.ToArray(), new long[] { count, FeatureCount }).to(dtype);
        var u = Standardizer.Apply(x).Clamped(-InputRange.Bound, InputRange.Bound);
        var e = Energy.forward(u).to(ScalarType.Float64);
        if (InputRange.AnyOutside(rows, mean, scale)) e = e.Plus(Penalties(rows, count));
        var log = e.neg().Plus(-Partition.LogZ + Standardizer.LogDetToRaw);
        e.to(ScalarType.Float32).data<float>().CopyTo(energy);
        log.to(ScalarType.Float32).data<float>().CopyTo(logDensity);
    }

    /// <summary>
    /// Per-feature contributions to the Score of rows given row-major in <paramref name="rows"/>, in nats: integrated
    /// gradients of the energy along the straight line from the training mean (the standardized origin) to the row
    /// (its standardized values clamped to the input range), 16-point Gauss–Legendre, plus each feature's own share of
    /// the input-range penalty. Contributions are those of the raw features (they do not depend on units) and add up
    /// to Score(row) - Score(training mean) within 1e-3 nats plus 1e-4 of that difference (the tested tolerance;
    /// float32 rounding dominates; for a model with a kernel term, less the row's own center's kernel at the mean, which is
    /// negligible unless the row lies within a few bandwidths of the mean). One call costs about 16 gradient passes of the energy; calls of many rows at once
    /// cost far less per row than calls of one.
    /// </summary>
    /// <param name="rows">Row-major features, a multiple of <see cref="FeatureCount"/> long, all finite.</param>
    /// <param name="contributions">Receives the contributions, as long as <paramref name="rows"/>.</param>
    /// <exception cref="ArgumentException">Lengths do not match or a value is not finite.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public void Explain(ReadOnlySpan<float> rows, Span<float> contributions)
    {
        using var lease = Enter();
        RowCount(rows.Length);
        if (contributions.Length != rows.Length) throw new ArgumentException($"Expected a contributions span of {rows.Length} values, one per feature of each row.", nameof(contributions));
        for (int i = 0; i < rows.Length; i++)
        {
            if (!float.IsFinite(rows[i])) throw new ArgumentException($"Row {i / FeatureCount}, feature {i % FeatureCount} is {rows[i]}; features must be finite.", nameof(rows));
        }
        if (rows.IsEmpty) return;
        TorchRuntime.EnsureLoaded();
        IntegratedGradients.Explain(Standardizer, Energy, dtype, rows, contributions);
    }

    /// <summary>The outlier probability of <paramref name="score"/>: the fraction of training scores below it (see <see cref="ScoreDistribution"/>).</summary>
    internal float Probability(float score) => (float)ScoreDistribution.Probability(score);

    /// <summary>
    /// A view of this model whose <see cref="ScoreThreshold"/> is <paramref name="scoreThreshold"/>; it shares the
    /// native modules (nothing is copied) and is disposed on its own: the modules are freed when every view is.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal EnergyModel WithThreshold(double scoreThreshold)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            modules.AddView();
        }
        return new EnergyModel(this, scoreThreshold);
    }

    /// <summary>
    /// Draws rows in raw units, with their energy and model log-density: by default from the energy model
    /// p(x) = exp(-E(x)) / Z itself, the density that <see cref="Score"/> reports (see <see cref="SampleSource"/>).
    /// </summary>
    /// <param name="count">Number of rows, at least 0.</param>
    /// <param name="seed">Seed of the draw.</param>
    /// <param name="source">The density to draw from.</param>
    /// <returns>Row-major samples, their energies and log-densities, and how they were drawn.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or count times the feature count exceeds <see cref="MaximumSampleValues"/>; or <paramref name="source"/> is not defined.</exception>
    /// <exception cref="InvalidOperationException">The energy model accepts too few candidates to be sampled (a very large tilt bound); the message says what to do.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public EnergyModelSamples Sample(int count, long seed, SampleSource source = SampleSource.EnergyModel)
    {
        using var lease = Enter();
        CheckSampleCount(count, nameof(count));
        if (!Enum.IsDefined(source)) throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown sample source.");
        if (count == 0) return new EnergyModelSamples([], [], [], source, 0, 0);
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new Generator(unchecked((ulong)seed));
        var (u, proposals, effective) = source == SampleSource.Generator
            ? (Generator.Sample(count, random), count, count)
            : EnergySampler.Draw(Energy, Generator, count, random);
        var rows = Standardizer.Invert(u).to(ScalarType.Float32).data<float>().ToArray();
        var energy = new float[count];
        var logDensity = new float[count];
        Score(rows, energy, logDensity);
        return new EnergyModelSamples(rows, energy, logDensity, source, proposals, effective);
    }

    /// <summary>Throws unless <paramref name="count"/> rows can be drawn: at least 0 and within <see cref="MaximumSampleValues"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is out of range; the message gives the limit.</exception>
    internal void CheckSampleCount(long count, string paramName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count, paramName);
        if (count * FeatureCount > MaximumSampleValues)
        {
            throw new ArgumentOutOfRangeException(paramName, count,
                $"Cannot draw {count} rows of {FeatureCount} features: at most {MaximumSampleValues / FeatureCount} rows ({MaximumSampleValues} values) per call; draw in several calls.");
        }
    }

    /// <summary>
    /// Holds the model's native modules alive until the returned lease is disposed (services over the model, such as
    /// ONNX export and saving, take one around their use of the modules).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal Lease Enter()
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            modules.Enter();
        }
        return new Lease(this);
    }

    /// <summary>Whether the native modules have been freed (after <see cref="Dispose"/> of every view, once no call is running).</summary>
    internal bool IsReleased => modules.IsReleased;

    /// <summary>Throws if the model was disposed (for services over the model, such as ONNX export).</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal void ThrowIfDisposed()
    {
        lock (gate) ObjectDisposedException.ThrowIf(disposed, this);
    }

    /// <summary>
    /// Frees the native memory now, or when the last running call leaves; later calls throw <see cref="ObjectDisposedException"/>.
    /// A model that shares its modules with others (a transformer's <c>WithThreshold</c> and <c>WithContamination</c>
    /// make such views) frees them when the last of them is disposed.
    /// </summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
        }
        modules.RemoveView();
    }

    private void Leave() => modules.Leave();

    // The stand-in for missing training scores: scores of seeded generator draws, in blocks.
    private TrainingScores GeneratorScores()
    {
        var scores = new List<double>(FallbackScoreDraws);
        const int block = 4096;
        for (int drawn = 0; drawn < FallbackScoreDraws; drawn += block)
        {
            var (_, _, logDensity) = Sample(block, Summary.Seed + drawn);
            scores.AddRange(logDensity.Select(l => -(double)l));
        }
        scores.Sort();
        return TrainingScores.FromSorted(scores);
    }

    // The excess penalties of the input-range rule, per row, as a float64 [count] tensor.
    private Tensor Penalties(ReadOnlySpan<float> rows, int count)
    {
        var penalties = new double[count];
        for (int r = 0; r < count; r++) penalties[r] = InputRange.Penalty(rows.Slice(r * FeatureCount, FeatureCount), mean, scale);
        return tensor(penalties);
    }

    /// <summary>A running call on the model; disposing it lets a pending <see cref="Dispose"/> free the modules.</summary>
    internal readonly struct Lease : IDisposable
    {
        private readonly EnergyModel? model;

        internal Lease(EnergyModel model) => this.model = model;

        /// <inheritdoc />
        public void Dispose() => model?.Leave();
    }

    private int RowCount(int length)
    {
        if (length % FeatureCount != 0)
            throw new ArgumentException($"Got {length} values, not a multiple of the model's {FeatureCount} features.", nameof(length));
        return length / FeatureCount;
    }
}
