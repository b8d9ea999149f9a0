using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The proposal for the partition-function estimate: the defensive mixture (Hesterberg 1995)
/// <c>r(u) = (1 - alpha) q(u) + alpha D(u)</c> of the generator q and a broad density D in standardized space (by
/// default the Gaussian <c>N(0, 2² I)</c>; for a tilted energy with a tail, that tail itself). D guards against tails
/// the generator misses: wherever the energy model puts mass, r is at least <c>alpha D(u)</c>, so the weights
/// <c>exp(-E(u)) / r(u)</c> stay bounded there even where q is tiny.
/// </summary>
/// <remarks>
/// The default Gaussian's sigma is 2 because the data are standardized to unit variance per feature: a Gaussian twice
/// as wide as the data covers their bulk and tails out to several standard deviations with a tail that decays more
/// slowly than a unit-scale model's, while staying narrow enough that its draws still land where the model has mass
/// (in d dimensions a wider one would put almost all its draws where the weights are negligible).
/// </remarks>
internal sealed class DefensiveMixtureProposal
{
    /// <summary>The default weight alpha of the broad density.</summary>
    public const double DefaultDefensiveWeight = 0.1;

    /// <summary>The default standard deviation sigma of the broad Gaussian, in standardized units.</summary>
    public const double DefaultGaussianScale = 2.0;

    private readonly Func<long, Generator, (Tensor Samples, Tensor LogProb)> sampleGenerator;
    private readonly Func<Tensor, Tensor> generatorLogProb;

    /// <summary>Creates the mixture of a generator and a broad density.</summary>
    /// <param name="dimension">The dimension d of the points.</param>
    /// <param name="sampleGenerator">
    /// Draws <c>count</c> points from q with the given generator: samples <c>[count, d]</c> and their <c>log q</c>
    /// <c>[count]</c>. It must accept a count of zero (empty tensors of the model's dtype).
    /// </param>
    /// <param name="generatorLogProb">log q at arbitrary points <c>[m, d]</c>, returned as <c>[m]</c>.</param>
    /// <param name="defensiveWeight">The mixture weight alpha of the broad density, in [0, 1) (0: the generator alone).</param>
    /// <param name="defensive">The broad density D (default <c>N(0, 2² I)</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is out of its range.</exception>
    public DefensiveMixtureProposal(
        int dimension,
        Func<long, Generator, (Tensor Samples, Tensor LogProb)> sampleGenerator,
        Func<Tensor, Tensor> generatorLogProb,
        double defensiveWeight = DefaultDefensiveWeight,
        BroadDensity? defensive = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(sampleGenerator);
        ArgumentNullException.ThrowIfNull(generatorLogProb);
        if (!(defensiveWeight >= 0 && defensiveWeight < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(defensiveWeight), defensiveWeight, "The broad density's mixture weight must be in [0, 1).");
        }
        Dimension = dimension;
        this.sampleGenerator = sampleGenerator;
        this.generatorLogProb = generatorLogProb;
        DefensiveWeight = defensiveWeight;
        Defensive = defensive ?? new BroadGaussian(DefaultGaussianScale);
    }

    /// <summary>The dimension d of the points.</summary>
    public int Dimension { get; }

    /// <summary>The mixture weight alpha of the broad density.</summary>
    public double DefensiveWeight { get; }

    /// <summary>The broad density D.</summary>
    public BroadDensity Defensive { get; }

    /// <summary>
    /// Draws <paramref name="count"/> points from r with their <c>log r</c>, without gradients. The number of broad
    /// draws is itself drawn from Binomial(count, alpha), so the points are an honest sample of the mixture; the
    /// generator's draws come first, then the broad density's, in the dtype of the generator's samples.
    /// </summary>
    /// <param name="count">The number of points, at least 1.</param>
    /// <param name="generator">The random generator for every draw.</param>
    /// <returns>Samples <c>[count, d]</c> and <c>log r</c> at them <c>[count]</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The generator's sampler returned tensors of the wrong shape.</exception>
    public (Tensor Samples, Tensor LogProb) SampleWithLogProb(long count, Generator generator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var counts = tensor((double)count, ScalarType.Float64);
        var probability = tensor(DefensiveWeight, ScalarType.Float64);
        long broadCount = (long)binomial(counts, probability, generator).item<double>();

        var (generatorSamples, generatorLogProbs) = sampleGenerator(count - broadCount, generator);
        if (!generatorSamples.shape.SequenceEqual(new[] { count - broadCount, Dimension }) ||
            !generatorLogProbs.shape.SequenceEqual(new[] { count - broadCount }))
        {
            throw new InvalidOperationException(
                $"The generator's sampler must return samples [{count - broadCount}, {Dimension}] and log q " +
                $"[{count - broadCount}]; it returned [{string.Join(", ", generatorSamples.shape)}] and " +
                $"[{string.Join(", ", generatorLogProbs.shape)}].");
        }
        var broadSamples = Defensive.Sample(broadCount, Dimension, generatorSamples.dtype, generator);
        var samples = cat(new[] { generatorSamples.detach(), broadSamples }, 0);
        var broadLogQ = broadCount > 0
            ? generatorLogProb(broadSamples).reshape(-1).to(samples.dtype)
            : empty(0, samples.dtype, samples.device);
        var logQ = cat(new[] { generatorLogProbs.detach().to(samples.dtype), broadLogQ }, 0);
        return scope.MoveToOuter(samples, Mix(samples, logQ));
    }

    /// <summary>log r at arbitrary points, without gradients.</summary>
    /// <param name="points">Points <c>[m, d]</c>.</param>
    /// <returns><c>log r</c> at the points, <c>[m]</c>, in their dtype.</returns>
    public Tensor LogProb(Tensor points)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return scope.MoveToOuter(Mix(points, generatorLogProb(points).reshape(-1).to(points.dtype)));
    }

    // log r = logsumexp(log(1 - alpha) + log q, log alpha + log D(u)); log 0 = -inf drops D.
    private Tensor Mix(Tensor points, Tensor logQ)
    {
        var terms = stack(new[] { logQ.Plus(Math.Log(1 - DefensiveWeight)), Defensive.LogProb(points).Plus(Math.Log(DefensiveWeight)) }, 0);
        return terms.logsumexp(0, keepdim: false);
    }
}
