using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// A coupling layer (Dinh et al. 2017): the features split into a conditioning part, copied unchanged, and a
/// transformed part, mapped elementwise by a monotone function whose parameters an MLP computes from the
/// conditioning part. The Jacobian is triangular, so log|det| is the sum of the elementwise log-derivatives.
/// Parity 0 conditions on the first floor(d/2) features and transforms the rest; parity 1 transforms the first
/// ceil(d/2) and conditions on the rest. In one dimension nothing conditions: the MLP sees a constant 1 and the
/// layer is a learned elementwise map. The conditioner's last layer starts at zero (see subclasses for why that
/// makes the layer start as the identity).
/// </summary>
internal abstract class CouplingBijector : Bijector
{
    private readonly Mlp conditioner;

    /// <summary>Builds the split and the conditioner, initialized from <paramref name="generator"/>.</summary>
    /// <param name="name">State-dict name.</param>
    /// <param name="dimension">Number of features d (at least 1).</param>
    /// <param name="parity">0 or 1: which half is transformed (alternate between consecutive couplings).</param>
    /// <param name="hiddenWidth">Width of each hidden layer of the conditioner.</param>
    /// <param name="hiddenLayers">Number of hidden layers of the conditioner.</param>
    /// <param name="parametersPerFeature">How many numbers the elementwise map needs per transformed feature.</param>
    /// <param name="generator">Source of the initial weights.</param>
    protected CouplingBijector(string name, int dimension, int parity, int hiddenWidth, int hiddenLayers, int parametersPerFeature, Generator generator)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (parity is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(parity), parity, "Parity must be 0 or 1.");
        Dimension = dimension;
        Parity = parity;
        ConditioningCount = dimension / 2;
        TransformedCount = dimension - ConditioningCount;
        ParametersPerFeature = parametersPerFeature;
        var hidden = Enumerable.Repeat(hiddenWidth, hiddenLayers).ToArray();
        conditioner = new Mlp("conditioner", Math.Max(ConditioningCount, 1), hidden, TransformedCount * parametersPerFeature, zeroLastLayer: true, initialization: generator);
        RegisterComponents();
    }

    /// <summary>Number of features d.</summary>
    public int Dimension { get; }

    /// <summary>0: the last ceil(d/2) features are transformed; 1: the first ceil(d/2).</summary>
    public int Parity { get; }

    /// <summary>Number of features the conditioner reads (floor(d/2)).</summary>
    public int ConditioningCount { get; }

    /// <summary>Number of features the layer transforms (ceil(d/2)).</summary>
    public int TransformedCount { get; }

    /// <summary>Numbers per transformed feature that the conditioner emits.</summary>
    public int ParametersPerFeature { get; }

    /// <summary>The conditioner network (for exporters).</summary>
    public Mlp Conditioner => conditioner;

    /// <summary>Offset of the conditioning features in a row.</summary>
    public int ConditioningOffset => Parity == 0 ? 0 : TransformedCount;

    /// <summary>Offset of the transformed features in a row.</summary>
    public int TransformedOffset => Parity == 0 ? ConditioningCount : 0;

    /// <inheritdoc />
    public override (Tensor Output, Tensor LogAbsDet) Forward(Tensor z) => Apply(z, inverse: false);

    /// <inheritdoc />
    public override (Tensor Output, Tensor LogAbsDet) Inverse(Tensor x) => Apply(x, inverse: true);

    /// <summary>The elementwise map of the transformed features and its elementwise log|derivative|.</summary>
    /// <param name="input">Transformed features [N, t].</param>
    /// <param name="parameters">Conditioner output [N, t, parametersPerFeature].</param>
    /// <param name="inverse">False: noise side to data side; true: the inverse map.</param>
    protected abstract (Tensor Output, Tensor LogAbsDerivative) Transform(Tensor input, Tensor parameters, bool inverse);

    /// <summary>The conditioner's output for a batch, shaped [N, t, parametersPerFeature].</summary>
    public Tensor ConditionerParameters(Tensor input)
    {
        var context = ConditioningCount > 0
            ? input.narrow(1, ConditioningOffset, ConditioningCount)
            : ones(input.shape[0], 1, dtype: input.dtype, device: input.device);
        return conditioner.forward(context).reshape(input.shape[0], TransformedCount, ParametersPerFeature);
    }

    private (Tensor Output, Tensor LogAbsDet) Apply(Tensor input, bool inverse)
    {
        var parameters = ConditionerParameters(input);
        var (moved, logDerivative) = Transform(input.narrow(1, TransformedOffset, TransformedCount), parameters, inverse);
        if (ConditioningCount == 0) return (moved, logDerivative.sum(1));
        var kept = input.narrow(1, ConditioningOffset, ConditioningCount);
        var output = Parity == 0 ? cat(new[] { kept, moved }, 1) : cat(new[] { moved, kept }, 1);
        return (output, logDerivative.sum(1));
    }
}
