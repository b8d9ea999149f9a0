using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// RealNVP affine coupling: x_t = z_t * exp(s) + m with (m, raw) = MLP(z_c) and a bounded log-scale
/// s = bound * tanh(raw / bound), which caps how much one layer can stretch or squeeze a feature (exp(±bound))
/// and keeps early training stable. log|dx_t/dz_t| = s. With the conditioner's last layer at zero, m = s = 0:
/// the layer starts as the identity.
/// </summary>
internal sealed class AffineCoupling : CouplingBijector
{
    /// <summary>Creates the coupling; see <see cref="CouplingBijector"/> for the split.</summary>
    /// <param name="name">State-dict name.</param>
    /// <param name="dimension">Number of features.</param>
    /// <param name="parity">0 or 1: which half is transformed.</param>
    /// <param name="hiddenWidth">Conditioner hidden width.</param>
    /// <param name="hiddenLayers">Conditioner hidden layer count.</param>
    /// <param name="logScaleBound">Bound on |s|, positive.</param>
    /// <param name="generator">Source of the initial weights.</param>
    public AffineCoupling(string name, int dimension, int parity, int hiddenWidth, int hiddenLayers, double logScaleBound, Generator generator)
        : base(name, dimension, parity, hiddenWidth, hiddenLayers, parametersPerFeature: 2, generator)
    {
        if (!(logScaleBound > 0) || double.IsInfinity(logScaleBound))
        {
            throw new ArgumentOutOfRangeException(nameof(logScaleBound), logScaleBound, "The log-scale bound must be positive and finite.");
        }
        LogScaleBound = logScaleBound;
        RegisterComponents();
    }

    /// <summary>Bound on the absolute log-scale of one layer.</summary>
    public double LogScaleBound { get; }

    /// <inheritdoc />
    protected override (Tensor Output, Tensor LogAbsDerivative) Transform(Tensor input, Tensor parameters, bool inverse)
    {
        var shift = parameters.select(2, 0);
        var logScale = parameters.select(2, 1).DividedBy(LogScaleBound).tanh().Times(LogScaleBound);
        return inverse
            ? ((input - shift) * (-logScale).exp(), -logScale)
            : ((input * logScale.exp()).Plus(shift), logScale);
    }
}
