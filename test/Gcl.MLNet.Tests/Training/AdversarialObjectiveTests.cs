using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

/// <summary>The three facts of Finn et al. (2016), Section 3.2, checked numerically in float64.</summary>
public sealed class AdversarialObjectiveTests : IDisposable
{
    private const int Rows = 64;
    private const double GeneratorScale = 1.3;
    private readonly DisposeScope scope;
    private readonly MlpEnergy energy;
    private readonly Tensor data;
    private readonly Tensor generated;
    private readonly Tensor logQData;
    private readonly Tensor logQGenerated;

    public AdversarialObjectiveTests()
    {
        TorchRuntime.EnsureLoaded();
        scope = NewDisposeScope();
        random.manual_seed(3);
        energy = new MlpEnergy(3, new[] { 16, 16 }, confinement: 0.1);
        energy.to(float64);
        var generator = new Generator(5);
        data = rand(Rows, 3, dtype: float64, generator: generator) * 2 - 1;
        generated = randn(Rows, 3, dtype: float64, generator: generator) * GeneratorScale;
        logQData = GaussianLogDensity(data);
        logQGenerated = GaussianLogDensity(generated);
    }

    public void Dispose()
    {
        energy.Dispose();
        scope.Dispose();
    }

    [Fact]
    public void OptimalBiasIsTheImportanceSampledLogPartition()
    {
        double optimal = SolveOptimalBias();
        var atOptimum = MixtureLogPartition(optimal);
        Assert.Equal(optimal, atOptimum, 10);

        // Away from the optimum the estimate differs from b: the equality is a property of the optimum.
        Assert.True(Math.Abs(MixtureLogPartition(optimal + 0.5) - (optimal + 0.5)) > 1e-3);
    }

    [Fact]
    public void DiscriminatorGradientEqualsImportanceSampledMaxEntIrlGradient()
    {
        double optimal = SolveOptimalBias();
        var b = tensor(optimal, dtype: float64);

        var discriminator = AdversarialObjective.DiscriminatorLoss(
            energy.forward(data), logQData, energy.forward(generated), logQGenerated, b);
        var discriminatorGradient = Gradient(discriminator);

        // L_cost = mean_data E + log mean_mu exp(-E) / mu~, with mu~ (which contains E) held constant.
        var energyData = energy.forward(data);
        var energyAll = cat(new[] { energyData, energy.forward(generated) });
        var logQAll = cat(new[] { logQData, logQGenerated });
        var logMixture = (logaddexp(-energyAll.detach() - b, logQAll) - Math.Log(2)).detach();
        var cost = energyData.mean() + (-energyAll - logMixture).logsumexp(0) - Math.Log(2 * Rows);
        var costGradient = Gradient(cost);

        double relative = (discriminatorGradient - costGradient).norm().item<double>() / costGradient.norm().item<double>();
        Assert.True(relative < 1e-6, $"relative gradient difference {relative}");
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(0.7)]
    public void GeneratorLossIsLogPartitionPlusReverseKlTerms(double b)
    {
        var energyGenerated = energy.forward(generated);
        var logits = AdversarialObjective.Logits(energyGenerated, logQGenerated, tensor(b, dtype: float64));
        double paperForm = (nn.functional.logsigmoid(-logits) - nn.functional.logsigmoid(logits)).mean().item<double>();
        double ours = b + AdversarialObjective.GeneratorLoss(energyGenerated, logQGenerated).item<double>();
        Assert.Equal(paperForm, ours, 10);
    }

    private double MixtureLogPartition(double b) => AdversarialObjective.MixtureLogPartition(
        energy.forward(data).detach(), logQData, energy.forward(generated).detach(), logQGenerated, tensor(b, dtype: float64)).item<double>();

    // The loss is convex in b with derivative mean_data(1 - D) - mean_gen(D), increasing in b: bisect its root.
    private double SolveOptimalBias()
    {
        using var noGrad = no_grad();
        var energyData = energy.forward(data);
        var energyGenerated = energy.forward(generated);
        double Slope(double b)
        {
            var dData = AdversarialObjective.Logits(energyData, logQData, tensor(b, dtype: float64)).sigmoid();
            var dGenerated = AdversarialObjective.Logits(energyGenerated, logQGenerated, tensor(b, dtype: float64)).sigmoid();
            return (1 - dData).mean().item<double>() - dGenerated.mean().item<double>();
        }
        double low = -100, high = 100;
        Assert.True(Slope(low) < 0 && Slope(high) > 0);
        for (int iteration = 0; iteration < 200 && high - low > 1e-14; iteration++)
        {
            double middle = 0.5 * (low + high);
            if (Slope(middle) < 0) low = middle; else high = middle;
        }
        return 0.5 * (low + high);
    }

    private Tensor Gradient(Tensor loss)
    {
        var parameters = energy.parameters().ToArray();
        var gradients = autograd.grad(new[] { loss }, parameters);
        return cat(gradients.Select(g => g.flatten()).ToArray());
    }

    private static Tensor GaussianLogDensity(Tensor x) =>
        -0.5 * (x / GeneratorScale).square().sum(-1) - x.shape[1] * (Math.Log(GeneratorScale) + 0.5 * Math.Log(2 * Math.PI));
}
