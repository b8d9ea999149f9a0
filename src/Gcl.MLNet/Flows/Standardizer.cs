using Gcl.MLNet.Native;
using static System.FormattableString;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// The map to standardized space u = (x - m) / s with per-feature mean m and population standard deviation s of
/// the training data. A feature whose s is zero or below <see cref="ConstantTolerance"/> times |m| is constant: it
/// gets s = 1 and is listed in <see cref="ConstantFeatures"/> so callers can warn. Fitting also finds the features
/// with repeated values (<see cref="TiedFeatures"/>). Densities convert between the spaces by the Jacobian:
/// log p(x) = log p(u) + <see cref="LogDetToRaw"/>.
/// </summary>
internal sealed class Standardizer
{
    /// <summary>
    /// Relative spread s / |m| at or below which a feature counts as constant: float32 resolves x only to about 6e-8
    /// of |m|, so below 1e-6 the standardized value (x - m) / s would be mostly rounding noise (steps of 0.06 s).
    /// </summary>
    public const double ConstantTolerance = 1e-6;

    /// <summary>
    /// Share of the fitted rows at a feature's minimum or at its maximum from which the feature counts as tied: a
    /// floor or ceiling value that repeats (zero counts, zero-inflated measurements, saturated pixels, integer codes).
    /// </summary>
    public const double TiedShare = 0.1;

    private readonly double[] mean;
    private readonly double[] scale;

    /// <summary>Rebuilds a fitted standardizer from saved arrays.</summary>
    /// <param name="mean">Per-feature means, finite.</param>
    /// <param name="scale">Per-feature scales, finite and positive.</param>
    /// <param name="constantFeatures">Indices of features that were constant when fitted.</param>
    /// <param name="tiedFeatures">Indices of features that were tied when fitted (training only; not saved).</param>
    /// <exception cref="ArgumentException">The arrays are empty, of different lengths, or hold invalid values.</exception>
    public Standardizer(double[] mean, double[] scale, IReadOnlyList<int>? constantFeatures = null, IReadOnlyList<int>? tiedFeatures = null)
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
        var tied = tiedFeatures?.ToArray() ?? [];
        if (constants.Concat(tied).Any(j => j < 0 || j >= mean.Length))
        {
            throw new ArgumentException($"Constant- and tied-feature indices must lie in [0, {mean.Length}).", nameof(constantFeatures));
        }
        this.mean = (double[])mean.Clone();
        this.scale = (double[])scale.Clone();
        ConstantFeatures = constants;
        TiedFeatures = tied;
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

    /// <summary>
    /// Indices of the features where at least <see cref="TiedShare"/> of the fitted rows share the minimum or the
    /// maximum value (constant features included); empty for a standardizer rebuilt from saved arrays.
    /// </summary>
    public IReadOnlyList<int> TiedFeatures { get; }

    /// <summary>-sum(log s): add to a standardized-space log-density to get the raw-unit log-density.</summary>
    public double LogDetToRaw { get; }

    /// <summary>Fits on streamed rows with Welford's update in double precision (one pass, no data kept).</summary>
    /// <exception cref="ArgumentException">No rows, rows of different lengths, or a value that is not finite.</exception>
    public static Standardizer Fit(IEnumerable<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        double[]? means = null, squares = null;
        Extremes? extremes = null;
        long count = 0;
        foreach (var row in rows)
        {
            means ??= new double[row.Length];
            squares ??= new double[row.Length];
            extremes ??= new Extremes(row.Length);
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
                extremes.Add(j, row[j]);
            }
        }
        if (means is null || squares is null || extremes is null) throw new ArgumentException("Fitting a standardizer needs at least one row.", nameof(rows));
        return FromMoments(means, squares.Select(s => Math.Sqrt(s / count)).ToArray(), extremes.Tied(count));
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
        var atMinimum = x.eq(x.amin(new long[] { 0 })).to(ScalarType.Float64).mean(new long[] { 0 });
        var atMaximum = x.eq(x.amax(new long[] { 0 })).to(ScalarType.Float64).mean(new long[] { 0 });
        var share = atMinimum.maximum(atMaximum).data<double>().ToArray();
        var tied = Enumerable.Range(0, share.Length).Where(j => share[j] >= TiedShare).ToArray();
        return FromMoments(m.data<double>().ToArray(), s.data<double>().ToArray(), tied);
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

    private static Standardizer FromMoments(double[] means, double[] deviations, IReadOnlyList<int> tied)
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
        return new Standardizer(means, deviations, constants, tied.Union(constants).Order().ToArray());
    }

    // Per feature: the smallest and largest value seen and how many rows hold each.
    private sealed class Extremes(int dimension)
    {
        private readonly float[] minimum = Enumerable.Repeat(float.PositiveInfinity, dimension).ToArray();
        private readonly float[] maximum = Enumerable.Repeat(float.NegativeInfinity, dimension).ToArray();
        private readonly long[] atMinimum = new long[dimension];
        private readonly long[] atMaximum = new long[dimension];

        public void Add(int j, float value)
        {
            if (value < minimum[j]) (minimum[j], atMinimum[j]) = (value, 0);
            if (value == minimum[j]) atMinimum[j]++;
            if (value > maximum[j]) (maximum[j], atMaximum[j]) = (value, 0);
            if (value == maximum[j]) atMaximum[j]++;
        }

        public int[] Tied(long count) =>
            Enumerable.Range(0, dimension).Where(j => Math.Max(atMinimum[j], atMaximum[j]) >= TiedShare * count).ToArray();
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
