using System.Globalization;
using Gcl.MLNet.Model;
using Gcl.MLNet.Training;
using Xunit;

namespace Gcl.MLNet.Tests.Training;

/// <summary>
/// An energy model and the same flow trained by maximum likelihood alone (same settings and seed, no adversarial
/// iteration), both scored on held-out rows: the comparison every density test of the method makes.
/// </summary>
/// <param name="ModelLogLikelihood">Held-out mean log-density of the energy model, nats per row, raw units.</param>
/// <param name="FlowLogLikelihood">Held-out mean log-density of the flow alone, nats per row, raw units.</param>
/// <param name="Summary">The energy model's training summary (its log Z, history and standardization).</param>
internal sealed record HeldOutComparison(double ModelLogLikelihood, double FlowLogLikelihood, TrainingSummary Summary)
{
    /// <summary>Trains both models on <paramref name="train"/> and scores <paramref name="test"/> with each.</summary>
    public static HeldOutComparison Run(float[][] train, float[][] test, TrainingSettings settings, double validationFraction)
    {
        double model, flow;
        TrainingSummary summary;
        using (var energyModel = InMemoryTrainer.Train(train, settings, validationFraction))
        {
            model = EnergyModelTrainerTests.MeanLogDensity(energyModel, test);
            summary = energyModel.Summary;
        }
        var flowSettings = settings with { Adversarial = settings.Adversarial with { Iterations = 0 } };
        using (var flowOnly = InMemoryTrainer.Train(train, flowSettings, validationFraction))
        {
            flow = EnergyModelTrainerTests.MeanLogDensity(flowOnly, test);
        }
        return new HeldOutComparison(model, flow, summary);
    }

    /// <summary>The energy model's held-out log-likelihood in standardized units (the unit of the data README's baselines).</summary>
    public double StandardizedModelLogLikelihood => ModelLogLikelihood - Summary.StandardizationLogDeterminant;

    /// <summary>The flow's held-out log-likelihood in standardized units.</summary>
    public double StandardizedFlowLogLikelihood => FlowLogLikelihood - Summary.StandardizationLogDeterminant;

    /// <summary>Asserts that the adversarial stage ran without a non-finite loss: no rollback, every reported mean loss finite.</summary>
    public void AssertLossesStayedFinite()
    {
        Assert.Equal(0, Summary.Rollbacks);
        Assert.False(Summary.StoppedByDivergence);
        var reports = Summary.History.Where(p => p.Phase == TrainingPhase.Adversarial && p.Step > 0).ToList();
        Assert.NotEmpty(reports);
        Assert.All(reports, p => Assert.True(double.IsFinite(p.DiscriminatorLoss) && double.IsFinite(p.GeneratorLoss), p.Describe()));
    }

    /// <summary>One line for assertion messages: both likelihoods, the reference, and the log Z diagnostics.</summary>
    public string Describe(string reference) => string.Create(CultureInfo.InvariantCulture,
        $"energy model {ModelLogLikelihood:F4}, flow {FlowLogLikelihood:F4}, {reference}; best iteration {Summary.BestIteration}; {Summary.Partition.Describe()}");
}
