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
/// native memory is freed when the last running call leaves.
/// </summary>
public sealed class EnergyModel : IDisposable
{
    private readonly ScalarType dtype;
    private readonly Lazy<ManagedScorer?> managedScorer;
    private readonly object gate = new();
    private int activeCalls;
    private bool disposed;
    private bool released;
    private readonly double[] mean;
    private readonly double[] scale;

    /// <summary>Wraps what training fitted; the model owns its modules from here on.</summary>
    internal EnergyModel(TrainingResult fitted)
        : this(fitted.Standardizer, fitted.Energy, fitted.Generator, fitted.ScoreThreshold, fitted.Summary)
    {
    }

    internal EnergyModel(Standardizer standardizer, EnergyFunction energy, NormalizingFlow generator, double scoreThreshold, TrainingSummary summary)
    {
        Standardizer = standardizer;
        Energy = energy;
        Generator = generator;
        ScoreThreshold = scoreThreshold;
        Summary = summary;
        dtype = generator.parameters().First().dtype;
        mean = standardizer.Mean;
        scale = standardizer.Scale;
        energy.eval();
        generator.eval();
        managedScorer = new(() => ManagedScorer.TryCreate(standardizer, energy, dtype));
    }

    /// <summary>Number of features a row must have.</summary>
    /// <value>The training feature count.</value>
    public int FeatureCount => Generator.Dimension;

    /// <summary>The final log Z estimate and its diagnostics (also in <see cref="Summary"/>).</summary>
    /// <value>The estimate.</value>
    public LogPartitionEstimate Partition => Summary.Partition;

    /// <summary>Rows whose Score (-LogDensity) exceeds this are predicted anomalous.</summary>
    /// <value>The (1 - contamination) quantile of the training scores.</value>
    public double ScoreThreshold { get; }

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
            : EnergySampler.Draw(Energy, Generator, count, random, DefensiveMixtureProposal.DefaultDefensiveWeight, DefensiveMixtureProposal.DefaultGaussianScale);
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
            activeCalls++;
        }
        return new Lease(this);
    }

    /// <summary>Whether the native modules have been freed (after <see cref="Dispose"/>, once no call is running).</summary>
    internal bool IsReleased
    {
        get
        {
            lock (gate) return released;
        }
    }

    /// <summary>Throws if the model was disposed (for services over the model, such as ONNX export).</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal void ThrowIfDisposed()
    {
        lock (gate) ObjectDisposedException.ThrowIf(disposed, this);
    }

    /// <summary>Frees the native memory now, or when the last running call leaves; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            if (activeCalls > 0) return;
            released = true;
        }
        Release();
    }

    private void Leave()
    {
        lock (gate)
        {
            activeCalls--;
            if (!disposed || activeCalls > 0 || released) return;
            released = true;
        }
        Release();
    }

    private void Release()
    {
        Energy.Dispose();
        Generator.Dispose();
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
