using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

/// <summary>The checks behind <see cref="TrainingSummary.Warnings"/>, and the Gaussian baseline they compare with.</summary>
public sealed class FitWarningsTests
{
    private static readonly LogPartitionEstimate Reliable = new(0.1, 0.01, 900, 1000, 0.2, isReliable: true);

    [Fact]
    public void AHealthyFitHasNoWarnings()
    {
        Assert.Empty(FitWarnings.Of(Reliable, [], validationLogLikelihood: -1, gaussianValidationLogLikelihood: -2, tiltSaturation: 0.1, trainingNoise: 0.05));
    }

    [Fact]
    public void EachProblemGivesItsOwnWarning()
    {
        var unreliable = new LogPartitionEstimate(0.1, 0.5, 3, 1000, 1.2, isReliable: false);
        Assert.StartsWith("log Z is not reliable", Assert.Single(FitWarnings.Of(unreliable, [], -1, -2, 0, 0)));
        Assert.StartsWith("Features 2, 5 are constant: their density is that of the training noise (standard deviation 0.05", Assert.Single(FitWarnings.Of(Reliable, [2, 5], -1, -2, 0, 0.05)));
        Assert.StartsWith("Features 2 are constant: their density is a spike", Assert.Single(FitWarnings.Of(Reliable, [2], -1, -2, 0, 0)));
        Assert.StartsWith("Held-out rows fit worse than a single Gaussian (-3.000 against -2.000", Assert.Single(FitWarnings.Of(Reliable, [], -3, -2, 0, 0)));
        Assert.StartsWith("The tilt is at its bound on 60%", Assert.Single(FitWarnings.Of(Reliable, [], -1, -2, 0.6, 0)));
        Assert.Equal(4, FitWarnings.Of(unreliable, [1], -3, -2, 0.9, 0).Count);
    }

    [Fact]
    public void TheGaussianBaselineScoresHeldOutRowsAsTheTrueGaussianDoes()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var random = new Generator(3);
        // Correlated 3-D Gaussian rows: u = A z with known covariance A Aᵀ.
        var a = tensor(new double[] { 1, 0, 0, 0.8, 0.6, 0, -0.5, 0.2, 0.3 }, 3, 3);
        var train = randn(new long[] { 20_000, 3 }, ScalarType.Float64, generator: random).matmul(a.t()).to(ScalarType.Float32);
        var validation = randn(new long[] { 5_000, 3 }, ScalarType.Float64, generator: random).matmul(a.t()).to(ScalarType.Float32);
        double logDet = Math.Log(Math.Abs(linalg.det(a).item<double>()));
        var z = linalg.solve(a, validation.to(ScalarType.Float64).t());
        double truth = (-0.5 * z.square().sum(dim: 0) - logDet - 1.5 * Math.Log(2 * Math.PI)).mean().item<double>();

        var gaussian = new GaussianBaseline(3);
        foreach (var batch in new TensorBatchSource(train).Epoch(4096, random)) gaussian.Add(batch);
        double baseline = gaussian.ValidationLogLikelihood(validation, noise: [0, 0, 0]);

        Assert.Equal(truth, baseline, 0.02);
    }
}
