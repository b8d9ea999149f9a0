using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Neural-spline coupling (Durkan et al. 2019): the transformed features pass through a monotone
/// rational-quadratic spline on [-B, B] (identity outside) whose bin widths, heights and knot derivatives the
/// conditioner computes from the conditioning features. Far more flexible per layer than an affine coupling
/// (multi-modal marginals need few layers). With the conditioner's last layer at zero the spline is exactly the
/// identity, so the layer starts as the identity.
/// </summary>
internal sealed class RationalQuadraticSplineCoupling : CouplingBijector
{
    /// <summary>Creates the coupling; see <see cref="CouplingBijector"/> for the split.</summary>
    /// <param name="name">State-dict name.</param>
    /// <param name="dimension">Number of features.</param>
    /// <param name="parity">0 or 1: which half is transformed.</param>
    /// <param name="hiddenWidth">Conditioner hidden width.</param>
    /// <param name="hiddenLayers">Conditioner hidden layer count.</param>
    /// <param name="bins">Number of spline bins K, at least 2.</param>
    /// <param name="bound">Half-width B of the spline's interval, positive.</param>
    /// <param name="generator">Source of the initial weights.</param>
    public RationalQuadraticSplineCoupling(string name, int dimension, int parity, int hiddenWidth, int hiddenLayers, int bins, double bound, Generator generator)
        : base(name, dimension, parity, hiddenWidth, hiddenLayers, RationalQuadraticSpline.ParameterCount(CheckBins(bins)), generator)
    {
        if (!(bound > 0) || double.IsInfinity(bound))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The spline bound must be positive and finite.");
        }
        Bins = bins;
        Bound = bound;
        RegisterComponents();
    }

    /// <summary>Number of bins K.</summary>
    public int Bins { get; }

    /// <summary>Half-width B of the interval the spline covers; the map is the identity outside it.</summary>
    public double Bound { get; }

    /// <inheritdoc />
    protected override (Tensor Output, Tensor LogAbsDerivative) Transform(Tensor input, Tensor parameters, bool inverse) =>
        RationalQuadraticSpline.Apply(input, parameters, Bins, Bound, inverse);

    private static int CheckBins(int bins) => bins >= 2
        ? bins
        : throw new ArgumentOutOfRangeException(nameof(bins), bins, "A spline needs at least 2 bins.");
}
