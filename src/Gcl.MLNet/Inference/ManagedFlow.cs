using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Inference;

/// <summary>A <see cref="NormalizingFlow"/>'s exact log q(u) for one row, in managed code.</summary>
internal sealed class ManagedFlow
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private readonly ManagedFlowLayer[] layers;
    private readonly int dimension;

    private ManagedFlow(ManagedFlowLayer[] layers, int dimension)
    {
        this.layers = layers;
        this.dimension = dimension;
    }

    /// <summary>
    /// The flow layers that have no managed form, by choice: a flow holding one is not copied, and its model scores few
    /// rows through TorchSharp as it scores many. Spline couplings are here because their managed form (bin search,
    /// rational-quadratic inverse) would be a second implementation to keep in step for a rarely chosen layer.
    /// </summary>
    public static IReadOnlySet<Type> LayersWithoutManagedForm { get; } = new HashSet<Type> { typeof(RationalQuadraticSplineCoupling) };

    /// <summary>Floats of scratch space <see cref="LogProb"/> needs.</summary>
    public int ScratchLength => dimension + layers.Max(l => l.ScratchLength);

    /// <summary>The managed copy of <paramref name="flow"/>, or null when a layer has no managed form (see <see cref="LayersWithoutManagedForm"/>).</summary>
    public static ManagedFlow? TryCreate(NormalizingFlow flow)
    {
        var layers = new List<ManagedFlowLayer>();
        foreach (var layer in flow.Layers)
        {
            ManagedFlowLayer? managed = layer switch
            {
                ActNorm actNorm => new ManagedActNorm(actNorm),
                InvertibleLinear linear => new ManagedInvertibleLinear(linear),
                AffineCoupling coupling => new ManagedAffineCoupling(coupling),
                _ => null,
            };
            if (managed is null) return null;
            layers.Add(managed);
        }
        return new ManagedFlow([.. layers], flow.Dimension);
    }

    /// <summary>log q(<paramref name="u"/>): the row mapped to noise through the layers in reverse, plus the log-dets.</summary>
    public double LogProb(ReadOnlySpan<float> u, Span<float> scratch)
    {
        var h = scratch[..dimension];
        u.CopyTo(h);
        var layerScratch = scratch[dimension..];
        double logProb = -dimension * HalfLogTwoPi;
        for (int i = layers.Length - 1; i >= 0; i--) logProb += layers[i].Invert(h, layerScratch);
        for (int i = 0; i < dimension; i++) logProb -= 0.5 * h[i] * h[i];
        return logProb;
    }
}
