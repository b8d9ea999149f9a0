using Gcl.MLNet.Native;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// An energy with a kernel term: <c>exp(-E'(u)) = (1 - w) exp(-E(u)) + w Zhat K(u)</c>, where E is the adversarially
/// trained energy, Zhat its importance-sampled normalizer and K an isotropic Gaussian kernel density over M training
/// rows (bandwidth σ). Divided by Zhat this is the mixture <c>(1 - w) p_E + w K</c> of two normalized densities, so the
/// model's log Z and its diagnostics stay those of E (K integrates to 1 exactly). The kernel captures what a flow
/// smooths over (clusters, discrete values) and defends rows between the flow's modes; w and σ are chosen on
/// validation rows (<c>Training/KernelComponentSelection</c>), and w = 0 means no kernel at all. A row is scored
/// without the centers it coincides with (squared distance at most 1e-12 (1 + |u|²)): a training row then scores as a
/// held-out row would, leave-one-out, instead of by its own kernel, so in-sample scores, the threshold and anomaly
/// ranking stay honest. The left-out balls hold a negligible share of K's mass (under 1e-5 of it in one dimension,
/// far less in more), so the mixture still integrates to 1 within the estimate's own error.
/// </summary>
internal sealed class KernelMixtureEnergy : EnergyFunction
{
    /// <summary>Most values of one rows × centers block (32 MB in float64), so memory stays flat for any batch.</summary>
    private const long BlockValues = 1L << 22;

    /// <summary>
    /// Shifted exponents are raised to at least this before exp: exp(-80) is a normal float32 (so no subnormal slow
    /// path, which made exp 6 times slower on a narrow kernel's mostly far-off centers), and 65,536 such terms change
    /// a sum of at least 1 by under 1e-30.
    /// </summary>
    public const double ExponentFloor = -80;

    /// <summary>
    /// A center counts as the scored row itself when their squared distance is at most this times 1 + |u|² (standardized
    /// units): far above float64's rounding of the distance, far below any two distinct rows of real data.
    /// </summary>
    public const double SelfDistance = 1e-12;

    private readonly EnergyFunction inner;
    private readonly Parameter centers;
    private readonly double bandwidth;
    private readonly double weight;
    private readonly double logScale;

    /// <summary>Wraps <paramref name="inner"/>, which this energy owns from here on.</summary>
    /// <param name="inner">The trained energy E.</param>
    /// <param name="centers">The kernel's centers [M, d], M ≥ 2, standardized training rows in the inner energy's dtype (copied; the copy outlives any dispose scope).</param>
    /// <param name="bandwidth">σ, the kernel's standard deviation per feature (positive).</param>
    /// <param name="weight">w, the kernel's share of the mass, in (0, 1).</param>
    /// <param name="logScale">log Zhat, the inner energy's log normalizer.</param>
    public KernelMixtureEnergy(EnergyFunction inner, Tensor centers, double bandwidth, double weight, double logScale)
        : base(nameof(KernelMixtureEnergy))
    {
        if (centers.dim() != 2 || centers.shape[0] < 2 || centers.shape[1] != inner.Dimension)
            throw new ArgumentException($"The kernel needs centers [M >= 2, {inner.Dimension}], got [{string.Join(", ", centers.shape)}].", nameof(centers));
        if (!(bandwidth > 0 && double.IsFinite(bandwidth))) throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "The bandwidth must be positive and finite.");
        if (!(weight > 0 && weight < 1)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "The kernel weight must be in (0, 1).");
        if (!double.IsFinite(logScale)) throw new ArgumentOutOfRangeException(nameof(logScale), logScale, "log Z must be finite.");
        this.inner = inner;
        this.bandwidth = bandwidth;
        this.weight = weight;
        this.logScale = logScale;
        using (no_grad()) this.centers = new Parameter(centers.detach().clone().DetachFromDisposeScope(), requires_grad: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int Dimension => inner.Dimension;

    /// <summary>The trained energy E the kernel is mixed with.</summary>
    public EnergyFunction Inner => inner;

    /// <summary>The centers [M, d].</summary>
    public Tensor Centers => centers;

    /// <summary>M, the number of centers.</summary>
    public int CenterCount => (int)centers.shape[0];

    /// <summary>σ, the kernel's standard deviation per feature in standardized units.</summary>
    public double Bandwidth => bandwidth;

    /// <summary>w, the kernel's share of the normalized density.</summary>
    public double Weight => weight;

    /// <summary>log Zhat, the inner energy's log normalizer the kernel's mass is scaled by.</summary>
    public double LogScale => logScale;

    /// <summary>The inner energy's options: the kernel is described by its own properties.</summary>
    public override EnergyOptions Options => inner.Options;

    /// <summary>E'(u), each row scored without the centers it coincides with.</summary>
    public override Tensor forward(Tensor input) => Mix(inner.forward(input), KernelLogDensity(input));

    /// <summary>
    /// E' of each point without the centers that the matching endpoint coincides with: along a path to a training row,
    /// its own center stays out all the way, so the path's energy is continuous and ends at the row's score.
    /// </summary>
    public override Tensor ForwardOnPathsTo(Tensor points, Tensor endpoints)
    {
        using var scope = NewDisposeScope();
        var kernel = KernelLogDensities(points, centers, [bandwidth], exclusionRows: endpoints).squeeze(0);
        return scope.MoveToOuter(Mix(inner.forward(points), kernel));
    }

    /// <summary>The inner energy's penalized part (the kernel has no trained parameters).</summary>
    public override Tensor PenalizedPart(Tensor input) => inner.PenalizedPart(input);

    /// <summary>log K(u) per row: log of (1/M) times the sum over the centers c_j the row does not coincide with of N(u; c_j, σ² I).</summary>
    public Tensor KernelLogDensity(Tensor input)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(KernelLogDensities(input, centers, [bandwidth]).squeeze(0));
    }

    /// <summary>
    /// log K(u) per row for each of several bandwidths, [bandwidths, rows], in blocks of rows. With
    /// -|u - c|² / (2σ²) = -|u|² / (2σ²) + (u·c - |c|² / 2) / σ², one matrix product per block gives u·c for every
    /// center and bandwidth, and the row's own |u|² leaves the log-sum-exp. The products are float64: the two terms
    /// are each about |u|² / (2σ²), thousands of nats for a narrow kernel, and their sum far smaller; float64 also
    /// keeps the rounding of a row's distance to a center far below the <see cref="SelfDistance"/> cut. Shifted by the nearest
    /// center's, the exponentials are summed in float32, which holds terms of at most 1 to well within the result's precision.
    /// </summary>
    /// <param name="input">Rows [n, d].</param>
    /// <param name="centers">Centers [M, d] in the rows' dtype.</param>
    /// <param name="bandwidths">Positive bandwidths σ.</param>
    /// <param name="leaveSelfOut">Drop the centers each row coincides with (<see cref="SelfDistance"/>); off only to check K's normalization.</param>
    /// <param name="exclusionRows">Rows [n, d] whose coincident centers are dropped instead of the input rows' own; null for the input rows.</param>
    public static Tensor KernelLogDensities(Tensor input, Tensor centers, IReadOnlyList<double> bandwidths, bool leaveSelfOut = true, Tensor? exclusionRows = null)
    {
        using var scope = NewDisposeScope();
        long m = centers.shape[0], d = centers.shape[1];
        long rowsPerBlock = Math.Max(1, BlockValues / m);
        var c = centers.to(ScalarType.Float64);
        var transposed = c.t();
        var halfCenterNorms = c.Squared().sum(dim: 1).Times(-0.5).unsqueeze(0);
        var blocks = new List<Tensor>();
        for (long start = 0; start < input.shape[0]; start += rowsPerBlock)
        {
            // A scope per block and per bandwidth: each intermediate is rows x centers large, and holding them all
            // to the end cost gigabytes (and the page faults of fresh memory) on 16,000 rows.
            using var blockScope = NewDisposeScope();
            var rows = input.narrow(0, start, Math.Min(rowsPerBlock, input.shape[0] - start)).to(ScalarType.Float64);
            var rowNorms = rows.Squared().sum(dim: 1);
            var products = rows.matmul(transposed).Plus(halfCenterNorms);
            // The largest product is the nearest center's for every bandwidth: shifted by it, the rest are at most 0 and
            // their exponentials can be summed in float32.
            var top = products.amax(1);
            if (leaveSelfOut)
            {
                var (referenceNorms, referenceProducts, referenceTop) = (rowNorms, products, top);
                if (exclusionRows is not null)
                {
                    var reference = exclusionRows.narrow(0, start, rows.shape[0]).to(ScalarType.Float64);
                    referenceNorms = reference.Squared().sum(dim: 1);
                    referenceProducts = reference.matmul(transposed).Plus(halfCenterNorms);
                    referenceTop = referenceProducts.amax(1);
                }
                // A row coincides with some center only if with its nearest one, whose product is the largest: most
                // blocks of new rows have none, and skip the mask.
                if (Coincident(referenceNorms, referenceTop).any().item<bool>())
                {
                    var self = Coincident(referenceNorms.unsqueeze(1), referenceProducts);
                    products = products.MaskedFill(self, double.NegativeInfinity);
                    top = products.amax(1);
                }
            }
            top = top.ClampedBelow(-double.MaxValue);
            var shifted = products.sub(top.unsqueeze(1)).to(ScalarType.Float32);
            products.Dispose();
            var perBandwidth = new Tensor[bandwidths.Count];
            for (int b = 0; b < bandwidths.Count; b++)
            {
                using var bandwidthScope = NewDisposeScope();
                double precision = 1 / (bandwidths[b] * bandwidths[b]);
                var logSum = shifted.Times(precision).ClampedBelow(ExponentFloor).exp().sum(dim: 1).to(ScalarType.Float64).log();
                perBandwidth[b] = bandwidthScope.MoveToOuter(logSum.Plus(top.Plus(rowNorms.Times(-0.5)).Times(precision))
                    .Plus(-Math.Log(m) - 0.5 * d * Math.Log(2 * Math.PI * bandwidths[b] * bandwidths[b])));
            }
            blocks.Add(blockScope.MoveToOuter(stack(perBandwidth, 0).to(input.dtype)));
        }
        return scope.MoveToOuter(blocks.Count == 1 ? blocks[0] : cat(blocks.ToArray(), 1));
    }

    // |u - c|² = |u|² - 2 (u·c - |c|²/2) at most SelfDistance (1 + |u|²), from the norms and products (broadcast).
    private static Tensor Coincident(Tensor rowNorms, Tensor products) =>
        rowNorms.Plus(products.Times(-2)).sub(rowNorms.Plus(1).Times(SelfDistance)).AtMost(0);

    /// <summary>Draws <paramref name="count"/> rows from K without gradients: a random center plus N(0, σ² I) noise.</summary>
    public Tensor SampleKernel(long count, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var picks = randint(0, centers.shape[0], new[] { count }, generator: generator);
        var noise = randn(new[] { count, centers.shape[1] }, centers.dtype, generator: generator);
        return scope.MoveToOuter(centers.index_select(0, picks).Plus(noise.Times(bandwidth)));
    }

    // E' = -logaddexp(log(1 - w) - E, log w + log Zhat + log K).
    private Tensor Mix(Tensor innerEnergy, Tensor kernelLogDensity) =>
        innerEnergy.neg().Plus(Math.Log(1 - weight)).logaddexp(kernelLogDensity.Plus(Math.Log(weight) + logScale)).neg();
}
