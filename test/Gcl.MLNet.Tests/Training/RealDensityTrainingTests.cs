using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using Gcl.MLNet.Tests.Flows;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Training;

/// <summary>
/// The method on the two real density sets (train on the train file, score the test file): with a trustworthy log Z,
/// the default recipe with a short adversarial budget beats the maximum-likelihood flow and the Gaussian-mixture
/// baseline of the data README; the paper's plain recipe is flagged as untrustworthy instead.
/// </summary>
[Collection(SerialComputeCollection.Name)]
public sealed class RealDensityTrainingTests(ITestOutputHelper output)
{
    /// <summary>Adversarial iterations: a quarter of the default budget, about 10 s per set on one thread.</summary>
    private const int ShortBudget = 500;

    /// <summary>Importance samples for the final log Z: a fifth of the default, still hundreds of effective samples.</summary>
    private const int PartitionSamples = 20_000;

    [Fact]
    public void WdbcEnergyModelBeatsTheFlowAndTheGaussianMixtureWithATrustworthyLogZ()
    {
        // Measured over seeds 1-7: +0.43 to +1.33 nats over the flow every time; -2.8 to -11.4 in 6 of 7 seeds, but
        // -13.9 with seed 3, where one test row scores -993 under the warm-started flow and the bounded tilt (±3 nats)
        // cannot rescue it. The baseline claim is thin on wdbc: its test mean is dominated by a few extreme rows.
        AssertBeatsFlowAndBaseline("density_wdbc", gaussianMixtureBaseline: -12.91, seed: 1);
    }

    [Fact]
    public void VehicleEnergyModelBeatsTheFlowAndTheGaussianMixtureWithATrustworthyLogZ()
    {
        // Measured over seeds 1-5: +1.08 to +1.45 nats over the flow, -0.92 to -1.86 against the baseline's -2.69.
        // The baseline is the weaker claim here: the flow alone beats it too with 3 of those 5 seeds (-2.07 to -3.32).
        AssertBeatsFlowAndBaseline("density_vehicle_deq", gaussianMixtureBaseline: -2.69, seed: 1);
    }

    [Fact]
    public void PlainMlpEnergyOnWdbcIsFlaggedUnreliable()
    {
        // Why the flag does not depend on luck: far from the data the MLP energy's confinement (0.01 |u|²/2) makes
        // exp(-E) a Gaussian of scale 10, while the proposal's broadest part has scale 2. The weights then grow like
        // exp(0.12 |u|²), whose tail under a 30-D N(0, 4I) has index k = 0.96 > 0.7 for any MLP (it grows at most
        // linearly), whatever training did. Measured with seeds 1-5 and 200 iterations: ESS 1-4 of 20000 draws,
        // k-hat 2.2-4.6.
        TorchRuntime.EnsureLoaded();
        var options = new EnergyModelOptions { EnergyNetwork = EnergyNetworkKind.Mlp, AdversarialIterations = 200, PartitionSamples = PartitionSamples };
        using var model = InMemoryTrainer.Train(DensityData.Rows("density_wdbc_train.csv"), options.ToSettings(seed: 1), options.ValidationFraction);

        var partition = model.Partition;
        output.WriteLine(partition.Describe());
        Assert.False(partition.IsReliable, partition.Describe());
        Assert.True(partition.EffectiveSampleSize < 0.01 * partition.SampleCount || partition.ParetoK >= 0.7, partition.Describe());
        Assert.Contains("UNRELIABLE", partition.Describe(), StringComparison.Ordinal);
    }

    private void AssertBeatsFlowAndBaseline(string set, double gaussianMixtureBaseline, long seed)
    {
        TorchRuntime.EnsureLoaded();
        var options = new EnergyModelOptions { AdversarialIterations = ShortBudget, PartitionSamples = PartitionSamples };
        var result = HeldOutComparison.Run(DensityData.Rows($"{set}_train.csv"), DensityData.Rows($"{set}_test.csv"),
            options.ToSettings(seed), options.ValidationFraction);

        result.AssertLossesStayedFinite();
        var partition = result.Summary.Partition;
        string message = result.Describe($"standardized: model {result.StandardizedModelLogLikelihood:F3}, flow " +
            $"{result.StandardizedFlowLogLikelihood:F3}, Gaussian mixture {gaussianMixtureBaseline:F2}");
        output.WriteLine(message);
        Assert.True(partition.IsReliable, message);
        Assert.True(partition.EffectiveSampleSize >= 0.01 * partition.SampleCount, message);
        Assert.True(partition.ParetoK < 0.7, message);
        Assert.True(result.ModelLogLikelihood >= result.FlowLogLikelihood, message);
        Assert.True(result.StandardizedModelLogLikelihood >= gaussianMixtureBaseline, message);
    }
}
