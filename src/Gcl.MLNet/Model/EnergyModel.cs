using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet;

/// <summary>
/// A fitted energy model, independent of ML.NET: the standardizer, the energy E, the flow generator q, the
/// importance-sampled log Z with its diagnostics, the anomaly threshold and the training summary.
/// <c>LogDensity(x) = -E(u) - log Zhat - sum(log s)</c> with <c>u = (x - m) / s</c>: normalized, in the data's raw units.
/// Scoring is batched and safe to call from several threads at once.
/// </summary>
public sealed class EnergyModel : IDisposable
{
    private readonly ScalarType dtype;
    private readonly Lazy<ManagedScorer?> managedScorer;
    private bool disposed;

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

    /// <summary>Energy and normalized raw-unit log-density of rows given row-major in <paramref name="rows"/>.</summary>
    /// <param name="rows">Row-major features, a multiple of <see cref="FeatureCount"/> long, all finite.</param>
    /// <param name="energy">Receives E(u) per row.</param>
    /// <param name="logDensity">Receives the log-density per row.</param>
    /// <exception cref="ArgumentException">Lengths do not match or a value is not finite.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public void Score(ReadOnlySpan<float> rows, Span<float> energy, Span<float> logDensity)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
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
        var e = Energy.forward(Standardizer.Apply(x)).to(ScalarType.Float64);
        var log = e.neg().Plus(-Partition.LogZ + Standardizer.LogDetToRaw);
        e.to(ScalarType.Float32).data<float>().CopyTo(energy);
        log.to(ScalarType.Float32).data<float>().CopyTo(logDensity);
    }

    /// <summary>Draws rows from the generator q in raw units, with their energy and model log-density.</summary>
    /// <param name="count">Number of rows, at least 0.</param>
    /// <param name="seed">Seed of the draw.</param>
    /// <returns>Row-major samples, their energies and log-densities.</returns>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public (float[] Rows, float[] Energy, float[] LogDensity) Sample(int count, long seed)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return ([], [], []);
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var random = new Generator(unchecked((ulong)seed));
        var u = Generator.Sample(count, random);
        var rows = Standardizer.Invert(u).to(ScalarType.Float32).data<float>().ToArray();
        var energy = new float[count];
        var logDensity = new float[count];
        Score(rows, energy, logDensity);
        return (rows, energy, logDensity);
    }

    /// <summary>Throws if the model was disposed (for services over the model, such as ONNX export).</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Energy.Dispose();
        Generator.Dispose();
    }

    private int RowCount(int length)
    {
        if (length % FeatureCount != 0)
            throw new ArgumentException($"Got {length} values, not a multiple of the model's {FeatureCount} features.", nameof(length));
        return length / FeatureCount;
    }
}
