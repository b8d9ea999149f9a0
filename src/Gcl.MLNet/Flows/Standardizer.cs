using Gcl.MLNet.Native;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// The map to standardized space u = (x - m) / s with per-feature mean m and population standard deviation s of
/// the training data. A feature whose s is zero or below <see cref="ConstantTolerance"/> times |m| is constant: it
/// gets s = 1 and is listed in <see cref="ConstantFeatures"/> so callers can warn. Densities convert between the
/// spaces by the Jacobian: log p(x) = log p(u) + <see cref="LogDetToRaw"/>.
/// </summary>
internal sealed class Standardizer
{
    /// <summary>
    /// Relative spread s / |m| at or below which a feature counts as constant: float32 resolves x only to about 6e-8
    /// of |m|, so below 1e-6 the standardized value (x - m) / s would be mostly rounding noise (steps of 0.06 s).
    /// </summary>
    public const double ConstantTolerance = 1e-6;

    private readonly double[] mean;
    private readonly double[] scale;

    /// <summary>Rebuilds a fitted standardizer from saved arrays.</summary>
    /// <param name="mean">Per-feature means, finite.</param>
    /// <param name="scale">Per-feature scales, finite and positive.</param>
    /// <param name="constantFeatures">Indices of features that were constant when fitted.</param>
    /// <exception cref="ArgumentException">The arrays are empty, of different lengths, or hold invalid values.</exception>
    public Standardizer(double[] mean, double[] scale, IReadOnlyList<int>? constantFeatures = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length == 0) throw new ArgumentException("A standardizer needs at least one feature.", nameof(mean));
        if (scale.Length != mean.Length)
        {
            throw new ArgumentException($"The scale has {scale.Length} features but the mean has {mean.Length}.", nameof(scale));
        }
        for (int j = 0; j < mean.Length; j++)
        {
            if (!double.IsFinite(mean[j])) throw new ArgumentException(Invariant($"Mean of feature {j} is not finite ({mean[j]})."), nameof(mean));
            if (!double.IsFinite(scale[j]) || !(scale[j] > 0))
            {
                throw new ArgumentException(Invariant($"Scale of feature {j} must be finite and positive (got {scale[j]})."), nameof(scale));
            }
        }
        var constants = constantFeatures?.ToArray() ?? [];
        if (constants.Any(j => j < 0 || j >= mean.Length))
        {
            throw new ArgumentException($"Constant-feature indices must lie in [0, {mean.Length}).", nameof(constantFeatures));
        }
        this.mean = (double[])mean.Clone();
        this.scale = (double[])scale.Clone();
        ConstantFeatures = constants;
        LogDetToRaw = -scale.Sum(Math.Log);
    }

    /// <summary>Number of features.</summary>
    public int Dimension => mean.Length;

    /// <summary>Per-feature means m (a copy).</summary>
    public double[] Mean => (double[])mean.Clone();

    /// <summary>Per-feature scales s (a copy; 1 for constant features).</summary>
    public double[] Scale => (double[])scale.Clone();

    /// <summary>Indices of the features found constant when fitting (their scale is 1).</summary>
    public IReadOnlyList<int> ConstantFeatures { get; }

    /// <summary>-sum(log s): add to a standardized-space log-density to get the raw-unit log-density.</summary>
    public double LogDetToRaw { get; }

    /// <summary>Fits on streamed rows with Welford's update in double precision (one pass, no data kept).</summary>
    /// <exception cref="ArgumentException">No rows, rows of different lengths, or a value that is not finite.</exception>
    public static Standardizer Fit(IEnumerable<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        double[]? means = null, squares = null;
        long count = 0;
        foreach (var row in rows)
        {
            means ??= new double[row.Length];
            squares ??= new double[row.Length];
            if (row.Length != means.Length || row.Length == 0)
            {
                throw new ArgumentException($"Row {count} has {row.Length} features; expected {means.Length} (at least 1).", nameof(rows));
            }
            count++;
            for (int j = 0; j < row.Length; j++)
            {
                double value = row[j];
                if (!double.IsFinite(value)) throw new ArgumentException(Invariant($"Row {count - 1}, feature {j} is not finite ({value})."), nameof(rows));
                double delta = value - means[j];
                means[j] += delta / count;
                squares[j] += delta * (value - means[j]);
            }
        }
        if (means is null || squares is null) throw new ArgumentException("Fitting a standardizer needs at least one row.", nameof(rows));
        return FromMoments(means, squares.Select(s => Math.Sqrt(s / count)).ToArray());
    }

    /// <summary>Fits on the rows of a tensor [N, d] (two-pass in double precision).</summary>
    /// <exception cref="ArgumentException">The tensor is not [N ≥ 1, d ≥ 1] or holds values that are not finite.</exception>
    public static Standardizer Fit(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.dim() != 2 || rows.shape[0] < 1 || rows.shape[1] < 1)
        {
            throw new ArgumentException($"Expected rows [N >= 1, d >= 1]; got [{string.Join(", ", rows.shape)}].", nameof(rows));
        }
        using var scope = NewDisposeScope();
        var x = rows.to(ScalarType.Float64).cpu();
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("The rows hold values that are not finite.", nameof(rows));
        var m = x.mean(new long[] { 0 });
        var s = (x - m).Squared().mean(new long[] { 0 }).sqrt();
        return FromMoments(m.data<double>().ToArray(), s.data<double>().ToArray());
    }

    /// <summary>u = (x - m) / s, in the dtype and on the device of <paramref name="x"/>.</summary>
    public Tensor Apply(Tensor x)
    {
        // The constants and the difference die here; only the result moves to the caller's scope (or to no scope).
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((x - Constant(mean, x)) / Constant(scale, x));
    }

    /// <summary>x = u * s + m, in the dtype and on the device of <paramref name="u"/>.</summary>
    public Tensor Invert(Tensor u)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((u * Constant(scale, u)).Plus(Constant(mean, u)));
    }

    private static Standardizer FromMoments(double[] means, double[] deviations)
    {
        var constants = new List<int>();
        for (int j = 0; j < deviations.Length; j++)
        {
            if (deviations[j] <= ConstantTolerance * Math.Abs(means[j]))
            {
                deviations[j] = 1.0;
                constants.Add(j);
            }
        }
        return new Standardizer(means, deviations, constants);
    }

    private Tensor Constant(double[] values, Tensor like)
    {
        if (like.dim() < 1 || like.shape[^1] != Dimension)
        {
            throw new ArgumentException($"Expected rows with {Dimension} features; got [{string.Join(", ", like.shape)}].", nameof(like));
        }
        return tensor(values, dtype: like.dtype, device: like.device);
    }
}
