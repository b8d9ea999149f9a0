using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static Gcl.MLNet.Tests.Flows.TestTensors;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

/// <summary>
/// The checks every bijector passes, in float64 and in dimensions 3 to 5, after a random non-identity
/// perturbation of all its parameters (so zero-initialized last layers cannot hide a bug). Each layer's test
/// class inherits this and says how to build the layer and where its inputs lie. (Generic over the test class,
/// not the layer: xunit runs only public classes, and C# forbids a public class whose base is closed over an
/// internal type, so the layer comes from an internal factory method instead.)
/// </summary>
public abstract class BijectorContract<TSelf>
    where TSelf : BijectorContract<TSelf>
{
    private const double RoundTripTolerance = 1e-9;
    private const double LogDetTolerance = 1e-8;

    /// <summary>Builds the layer under test (float32, as the library does) from <paramref name="generator"/>.</summary>
    internal abstract Bijector CreateBijector(int dimension, Generator generator);

    /// <summary>Typical inputs of either direction, float64 [n, d].</summary>
    protected virtual Tensor SampleInputs(long rows, int dimension, Generator generator) =>
        randn(rows, dimension, dtype: ScalarType.Float64, generator: generator) * 1.5;

    /// <summary>Standard deviation of the Gaussian perturbation added to every parameter.</summary>
    protected virtual double PerturbationScale => 0.3;

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void OutputsAreFiniteWithTheRightShape(int dimension)
    {
        using var scope = NewDisposeScope();
        var (layer, inputs) = Setup(dimension, 17);
        foreach (var (output, logDet) in new[] { layer.Forward(inputs), layer.Inverse(inputs) })
        {
            Assert.Equal(inputs.shape, output.shape);
            Assert.Equal(new[] { inputs.shape[0] }, logDet.shape);
            Assert.True(output.isfinite().all().item<bool>() && logDet.isfinite().all().item<bool>());
            Assert.Equal(ScalarType.Float64, output.dtype);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void InverseUndoesForwardAndForwardUndoesInverse(int dimension)
    {
        using var scope = NewDisposeScope();
        var (layer, inputs) = Setup(dimension, 23);
        var there = layer.Inverse(layer.Forward(inputs).Output).Output;
        var back = layer.Forward(layer.Inverse(inputs).Output).Output;
        Assert.True(MaxAbs(there - inputs) < RoundTripTolerance, $"{Name}: inverse(forward(z)) off by {MaxAbs(there - inputs)}");
        Assert.True(MaxAbs(back - inputs) < RoundTripTolerance, $"{Name}: forward(inverse(x)) off by {MaxAbs(back - inputs)}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void LogDetsOfTheTwoDirectionsAreNegatives(int dimension)
    {
        using var scope = NewDisposeScope();
        var (layer, inputs) = Setup(dimension, 29);
        var (output, forwardLogDet) = layer.Forward(inputs);
        var inverseLogDet = layer.Inverse(output).LogAbsDet;
        Assert.True(MaxAbs(forwardLogDet + inverseLogDet) < LogDetTolerance);
        Assert.True(MaxAbs(forwardLogDet) > 1e-3, $"{Name}: the perturbed layer should not be volume preserving");
    }

    [Theory]
    [InlineData(3, false)]
    [InlineData(3, true)]
    [InlineData(5, false)]
    [InlineData(5, true)]
    public void LogDetEqualsTheLogDeterminantOfTheAutogradJacobian(int dimension, bool inverse)
    {
        using var scope = NewDisposeScope();
        var (layer, inputs) = Setup(dimension, 31);
        var input = inputs.detach().requires_grad_(true);
        var (output, logDet) = inverse ? layer.Inverse(input) : layer.Forward(input);
        // Rows are independent, so the gradient of column j summed over rows is row n's dJ_j/dinput for every n.
        var columns = new List<Tensor>();
        for (int j = 0; j < dimension; j++)
        {
            columns.Add(autograd.grad(new[] { output.select(1, j).sum() }, new[] { input }, retain_graph: true)[0]);
        }
        var jacobian = stack(columns, 1);
        var (_, logAbsDeterminant) = linalg.slogdet(jacobian);
        Assert.True(MaxAbs(logAbsDeterminant - logDet.detach()) < LogDetTolerance,
            $"{Name}: log-det off by {MaxAbs(logAbsDeterminant - logDet.detach())}");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void EveryParameterReceivesANonZeroGradient(int dimension)
    {
        using var scope = NewDisposeScope();
        var (layer, inputs) = Setup(dimension, 37);
        var (output, logDet) = layer.Forward(inputs);
        var (back, inverseLogDet) = layer.Inverse(inputs);
        (output.square().sum() + logDet.sum() + back.square().sum() + inverseLogDet.sum()).backward();
        var parameters = layer.named_parameters().ToList();
        Assert.NotEmpty(parameters);
        foreach (var (name, parameter) in parameters)
        {
            Assert.True(parameter.grad is { } grad && MaxAbs(grad) > 0, $"{Name}: parameter {name} got no gradient");
        }
    }

    private static string Name => typeof(TSelf).Name;

    /// <summary>A perturbed float64 layer and inputs for it, both from <paramref name="seed"/>.</summary>
    internal (Bijector Layer, Tensor Inputs) Setup(int dimension, long seed)
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator((ulong)seed);
        var layer = CreateBijector(dimension, generator);
        layer.to(ScalarType.Float64);
        TestTensors.Perturb(layer, PerturbationScale, generator);
        return (layer, SampleInputs(64, dimension, generator));
    }
}
