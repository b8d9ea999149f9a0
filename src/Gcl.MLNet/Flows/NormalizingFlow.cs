using Gcl.MLNet.Native;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// The generator q(u): a standard-normal base pushed through a stack of bijectors. Direction, used everywhere in
/// Flows: <b>forward maps noise z to data x</b>, inverse maps x to z. Hence log q(x) = log N(z; 0, I) +
/// log|det dz/dx| with z the inverse image of x (any point, data or sample), and a sample x = f(z) has
/// log q(x) = log N(z; 0, I) - log|det dx/dz|, computed in the same forward pass that makes it (reparameterized:
/// differentiable in the parameters). A block, seen from the data side, is ActNorm → invertible linear → coupling
/// (Glow's order); <see cref="Layers"/> lists the bijectors in forward (z → x) order.
/// </summary>
internal sealed class NormalizingFlow : nn.Module
{
    private static readonly double LogTwoPi = Math.Log(2 * Math.PI);

    private readonly ModuleList<Bijector> layers;

    // initialize false: the invertible linears are left uninitialized instead of at a random rotation (see Blank).
    private NormalizingFlow(int dimension, FlowOptions options, long seed, bool initialize) : base("flow")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Dimension = dimension;
        Options = options;
        Seed = seed;
        using var generator = new Generator(unchecked((ulong)seed));
        var dataSideFirst = new List<Bijector>();
        for (int block = 0; block < options.Blocks; block++)
        {
            dataSideFirst.Add(new ActNorm("actnorm", dimension));
            dataSideFirst.Add(new InvertibleLinear("linear", dimension, initialize ? generator : null));
            dataSideFirst.Add(CreateCoupling(dimension, block % 2, options, generator));
        }
        dataSideFirst.Reverse();
        layers = new ModuleList<Bijector>(dataSideFirst.ToArray());
        RegisterComponents();
    }

    /// <summary>Builds a flow whose initial weights depend only on <paramref name="seed"/> (not on torch's global RNG).</summary>
    /// <param name="dimension">Number of features d, at least 1.</param>
    /// <param name="options">Shape of the flow; validated.</param>
    /// <param name="seed">Seed of the initial weights and permutations.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or option is out of range.</exception>
    public static NormalizingFlow Create(int dimension, FlowOptions options, long seed) => new(dimension, options, seed, initialize: true);

    /// <summary>
    /// A flow of the same structure as <see cref="Create"/>'s, for a state that is loaded next (every parameter and
    /// buffer is replaced): its invertible linears are left uninitialized, which skips the O(d³) random rotations.
    /// </summary>
    /// <inheritdoc cref="Create" path="/param"/>
    /// <exception cref="ArgumentOutOfRangeException">A size or option is out of range.</exception>
    public static NormalizingFlow Blank(int dimension, FlowOptions options, long seed) => new(dimension, options, seed, initialize: false);

    /// <summary>Number of features d.</summary>
    public int Dimension { get; }

    /// <summary>The options the flow was built with.</summary>
    public FlowOptions Options { get; }

    /// <summary>The seed the flow was built with.</summary>
    public long Seed { get; }

    /// <summary>The bijectors in forward (noise → data) order.</summary>
    public IReadOnlyList<Bijector> Layers => layers.ToList();

    /// <summary>Whether every ActNorm has had its data-dependent initialization.</summary>
    public bool IsInitialized => layers.OfType<ActNorm>().All(a => a.IsInitialized);

    /// <summary>log N(z; 0, I) per row: the base density.</summary>
    public static Tensor StandardNormalLogProb(Tensor z) => z.Squared().sum(1).Times(-0.5).Plus(-0.5 * z.shape[1] * LogTwoPi);

    /// <summary>Maps data rows to noise: z = f⁻¹(x) and log|det dz/dx| per row.</summary>
    /// <param name="x">Rows [N, d] in the flow's dtype and device.</param>
    public (Tensor Output, Tensor LogAbsDet) ToNoise(Tensor x)
    {
        var h = x;
        Tensor logAbsDet = zeros(x.shape[0], dtype: x.dtype, device: x.device);
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            var (next, ld) = layers[i].Inverse(h);
            h = next;
            logAbsDet = logAbsDet.Plus(ld);
        }
        return (h, logAbsDet);
    }

    /// <summary>Exact log q(x) per row [N] for any rows x [N, d].</summary>
    public Tensor LogProb(Tensor x)
    {
        var (z, logAbsDet) = ToNoise(x);
        return StandardNormalLogProb(z).Plus(logAbsDet);
    }

    /// <summary>Pushes given noise through the flow: x = f(z) and log q(x), in one differentiable pass.</summary>
    /// <param name="z">Standard-normal noise [N, d] in the flow's dtype and device.</param>
    public (Tensor Samples, Tensor LogProb) FromNoise(Tensor z)
    {
        var h = z;
        var logProb = StandardNormalLogProb(z);
        for (int i = 0; i < layers.Count; i++)
        {
            var (next, ld) = layers[i].Forward(h);
            h = next;
            logProb = logProb - ld;
        }
        return (h, logProb);
    }

    /// <summary>Draws reparameterized samples with their log q, differentiable in the flow's parameters.</summary>
    /// <param name="count">Number of rows.</param>
    /// <param name="generator">Random source of the noise (torch's default generator when null).</param>
    public (Tensor Samples, Tensor LogProb) SampleWithLogProb(long count, Generator? generator = null) => FromNoise(Noise(count, generator));

    /// <summary>Draws samples [count, d] without gradient tracking (cheaper when log q is not needed).</summary>
    /// <param name="count">Number of rows.</param>
    /// <param name="generator">Random source of the noise (torch's default generator when null).</param>
    public Tensor Sample(long count, Generator? generator = null)
    {
        using var _ = no_grad();
        return FromNoise(Noise(count, generator)).Samples;
    }

    /// <summary>
    /// Data-dependent initialization: walks <paramref name="x"/> from the data side towards the noise side and
    /// sets each ActNorm so that it maps what reaches it to zero mean and unit variance.
    /// </summary>
    /// <param name="x">Representative data rows [N, d], N of at least 2, in the flow's dtype and device.</param>
    public void InitializeFromData(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != Dimension || x.shape[0] < 2)
        {
            throw new ArgumentException($"Initialization data must be [N, {Dimension}] with N >= 2; got [{string.Join(", ", x.shape)}].", nameof(x));
        }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var h = x;
        for (int i = layers.Count - 1; i >= 0; i--)
        {
            if (layers[i] is ActNorm actNorm) actNorm.InitializeFromData(h);
            h = layers[i].Inverse(h).Output;
        }
    }

    /// <summary>A flow with the same structure, weights, dtype and device, and its own parameters.</summary>
    public NormalizingFlow Clone()
    {
        var copy = Blank(Dimension, Options, Seed);
        var reference = parameters().First();
        copy.to(reference.device).to(reference.dtype);
        copy.load_state_dict(state_dict());
        return copy;
    }

    private Tensor Noise(long count, Generator? generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var reference = parameters().First();
        return randn(new[] { count, (long)Dimension }, dtype: reference.dtype, device: reference.device, generator: generator);
    }

    private static Bijector CreateCoupling(int dimension, int parity, FlowOptions options, Generator generator) => options.Kind switch
    {
        FlowLayerKind.AffineCoupling => new AffineCoupling("coupling", dimension, parity, options.HiddenWidth, options.HiddenLayers, options.LogScaleBound, generator),
        FlowLayerKind.RationalQuadraticSpline => new RationalQuadraticSplineCoupling(
            "coupling", dimension, parity, options.HiddenWidth, options.HiddenLayers, options.SplineBins, options.SplineBound, generator),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown flow layer kind."),
    };
}
