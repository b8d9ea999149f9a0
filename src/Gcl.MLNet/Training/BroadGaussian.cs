using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The isotropic Gaussian <c>N(0, sigma² I)</c> in standardized units: the proposal's defensive component for
/// energies without a tail of their own (the free-form MLP energy, and tilted energies saved before the tail).
/// </summary>
internal sealed class BroadGaussian : BroadDensity
{
    /// <summary>A Gaussian of standard deviation <paramref name="scale"/>, positive and finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The scale is not positive and finite.</exception>
    public BroadGaussian(double scale)
    {
        if (!(scale > 0) || double.IsPositiveInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The Gaussian's scale must be positive and finite.");
        }
        Scale = scale;
    }

    /// <summary>The standard deviation sigma.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override Tensor Sample(long count, int dimension, ScalarType dtype, Generator generator) =>
        randn(new[] { count, (long)dimension }, dtype, generator: generator).Times(Scale);

    /// <inheritdoc />
    public override Tensor LogProb(Tensor points)
    {
        double variance = Scale * Scale;
        return points.Squared().sum(1).Times(-0.5 / variance).Plus(-0.5 * points.shape[1] * Math.Log(2 * Math.PI * variance));
    }

    /// <inheritdoc />
    public override double LogProb(ReadOnlySpan<float> point)
    {
        double variance = Scale * Scale;
        return -0.5 * SquaredNorm(point) / variance - 0.5 * point.Length * Math.Log(2 * Math.PI * variance);
    }
}
