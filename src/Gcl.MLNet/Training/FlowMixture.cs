using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The equal-weight mixture of several flows, as an importance-sampling proposal: for a tilted energy the frozen
/// reference flow joins the generator, which bounds the weights q_ref·exp(-h) / r by 2·exp(c) wherever the
/// generator has drifted (reverse-KL training makes it mode-seeking).
/// </summary>
internal sealed class FlowMixture
{
    private readonly IReadOnlyList<NormalizingFlow> flows;

    /// <summary>Mixes <paramref name="flows"/> (one or more, same dimension) with equal weights.</summary>
    public FlowMixture(IReadOnlyList<NormalizingFlow> flows)
    {
        if (flows.Count == 0) throw new ArgumentException("A mixture needs at least one flow.", nameof(flows));
        if (flows.Any(f => f.Dimension != flows[0].Dimension)) throw new ArgumentException("Mixed flows must share their dimension.", nameof(flows));
        this.flows = flows;
    }

    /// <summary>Number of features.</summary>
    public int Dimension => flows[0].Dimension;

    /// <summary>Draws <paramref name="count"/> rows from the mixture (component counts drawn at random) with their log density.</summary>
    public (Tensor Samples, Tensor LogProb) SampleWithLogProb(long count, Generator generator)
    {
        if (flows.Count == 1) return flows[0].SampleWithLogProb(count, generator);
        var components = randint(flows.Count, new[] { count }, generator: generator);
        var parts = new List<Tensor>();
        for (int k = 0; k < flows.Count; k++)
        {
            long share = components.EqualTo(k).sum().ToInt64();
            if (share > 0) parts.Add(flows[k].Sample(share, generator));
        }
        var samples = cat(parts.ToArray());
        return (samples, LogProb(samples));
    }

    /// <summary>log of the mixture density at <paramref name="x"/> [N, d].</summary>
    public Tensor LogProb(Tensor x)
    {
        if (flows.Count == 1) return flows[0].LogProb(x);
        var each = stack(flows.Select(f => f.LogProb(x)).ToArray());
        return each.logsumexp(0).Plus(-Math.Log(flows.Count));
    }
}
