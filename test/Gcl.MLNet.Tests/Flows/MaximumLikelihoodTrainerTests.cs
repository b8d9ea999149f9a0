using Gcl.MLNet.Common;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

[Collection(SerialComputeCollection.Name)]
public sealed class MaximumLikelihoodTrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void FitsACorrelatedGaussianToWithinFiveHundredthsOfANatPerRow()
    {
        using var scope = NewDisposeScope();
        var (held, truth, flow, history) = FitSynthetic(SyntheticDensities.CorrelatedGaussian, 4000,
            new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 2, HiddenWidth: 32), new MaximumLikelihoodOptions(MaxSteps: 640, EvaluationInterval: 16, Patience: 10));
        using (flow)
        {
            double fitted = MaximumLikelihoodTrainer.Evaluate(flow, held);
            output.WriteLine($"gaussian: flow {fitted:F4}, truth {truth:F4}, steps {history.Steps}");
            Assert.True(Math.Abs(truth - fitted) < 0.05, $"held-out log-likelihood {fitted} vs true {truth}");
        }
    }

    [Fact]
    public void FitsAFiveDimensionalGaussianMixtureClosely()
    {
        using var scope = NewDisposeScope();
        var (held, truth, flow, history) = FitSynthetic(SyntheticDensities.GaussianMixture, 6000,
            new FlowOptions(FlowLayerKind.RationalQuadraticSpline, Blocks: 3, HiddenWidth: 48), new MaximumLikelihoodOptions(MaxSteps: 720, EvaluationInterval: 24, Patience: 8));
        using (flow)
        {
            double fitted = MaximumLikelihoodTrainer.Evaluate(flow, held);
            output.WriteLine($"mixture: flow {fitted:F4}, truth {truth:F4}, steps {history.Steps}");
            Assert.True(truth - fitted < 0.25, $"held-out log-likelihood {fitted} vs true {truth}");
            Assert.True(fitted < truth + 0.05, "a fitted density cannot beat the truth on average beyond sampling noise");
        }
    }

    [Theory]
    [InlineData("wdbc", -17.24)]
    [InlineData("vehicle_deq", -7.03)]
    public void BeatsTheSingleGaussianBaselineOnHeldOutRealData(string name, double singleGaussian)
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var train = DensityData.Rows($"density_{name}_train.csv");
        var standardizer = Standardizer.Fit(train);
        var rows = standardizer.Apply(DensityData.ToTensor(train));
        var test = standardizer.Apply(DensityData.ToTensor(DensityData.Rows($"density_{name}_test.csv")));
        var order = randperm(rows.shape[0], generator: new Generator(1));
        long validationCount = rows.shape[0] / 5;
        var validation = rows.index_select(0, order.narrow(0, 0, validationCount));
        var fit = rows.index_select(0, order.narrow(0, validationCount, rows.shape[0] - validationCount));
        using var flow = NormalizingFlow.Create((int)rows.shape[1], new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 4, HiddenWidth: 64), 1);
        var batches = new Generator(2);

        var history = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 900, EvaluationInterval: 6, Patience: 20))
            .Train(flow, () => MiniBatches.Shuffled(fit, 64, batches), validation);

        double heldOut = MaximumLikelihoodTrainer.Evaluate(flow, test);
        output.WriteLine($"{name}: test {heldOut:F3} (single Gaussian {singleGaussian}), best step {history.BestStep}/{history.Steps}, {history.Elapsed.TotalSeconds:F1} s");
        Assert.True(heldOut > singleGaussian, $"held-out {heldOut} does not beat the single Gaussian {singleGaussian}");
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestWeightsAndReportsEveryEvaluation()
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(120);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 3, HiddenWidth: 64), 3);
        var reported = new List<MaximumLikelihoodEvaluation>();
        var batches = new Generator(4);

        var history = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 3200, EvaluationInterval: 8, Patience: 5, LearningRate: 1e-2))
            .Train(flow, () => MiniBatches.Shuffled(fit, 16, batches), validation, reported.Add);

        Assert.True(history.StoppedEarly, "a big flow on 120 rows should overfit and stop early");
        Assert.Equal(history.Evaluations, reported);
        Assert.Equal(Enumerable.Range(1, reported.Count).Select(i => 8 * i), reported.Select(e => e.Step));
        Assert.Equal(history.BestStep + 5 * 8, reported[^1].Step);
        Assert.Equal(reported[^1].Step, history.Steps);
        Assert.Equal(reported.Max(e => e.ValidationLogLikelihood), history.BestValidationLogLikelihood);
        Assert.True(history.BestValidationLogLikelihood > reported[^1].ValidationLogLikelihood);
        Assert.Equal(history.BestValidationLogLikelihood, MaximumLikelihoodTrainer.Evaluate(flow, validation), 10);
    }

    [Theory]
    [InlineData(160)]
    [InlineData(1600)]
    public void TheStepBudgetDoesNotGrowWithTheRows(int rows)
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(rows);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 1, HiddenWidth: 8), 3);
        var batches = new Generator(4);

        var history = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 60, EvaluationInterval: 20, Patience: 100))
            .Train(flow, () => MiniBatches.Shuffled(fit, 32, batches), validation);

        Assert.Equal(60, history.Steps);
        Assert.Equal((int)Math.Ceiling(60.0 / Math.Ceiling(rows / 32.0)), history.Epochs);
        Assert.Equal([20, 40, 60], history.Evaluations.Select(e => e.Step));
    }

    [Fact]
    public void UninitializedFlowIsInitializedFromTheFirstBatch()
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(200);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 1, HiddenWidth: 8), 5);
        Assert.False(flow.IsInitialized);
        new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 1)).Train(flow, () => new[] { fit }, validation);
        Assert.True(flow.IsInitialized);
    }

    [Fact]
    public void NonFiniteLossStopsTrainingAndKeepsTheBestFiniteWeights()
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(200);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 1, HiddenWidth: 8), 6);
        flow.InitializeFromData(fit);
        var poisoned = fit.clone();
        poisoned[0, 0] = tensor(float.NaN);
        int epoch = 0;

        var history = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 10, EvaluationInterval: 1))
            .Train(flow, () => ++epoch < 3 ? new[] { fit } : new[] { poisoned }, validation);

        Assert.True(history.Diverged);
        Assert.Equal((3, 2), (history.Steps, history.Evaluations.Count));
        Assert.True(double.IsFinite(history.BestValidationLogLikelihood));
        Assert.Equal(history.BestValidationLogLikelihood, MaximumLikelihoodTrainer.Evaluate(flow, validation), 10);
    }

    [Fact]
    public void LiveTensorCountIsTheSameBeforeAndAfterTraining()
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(300);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.RationalQuadraticSpline, Blocks: 2, HiddenWidth: 8), 7);
        var trainer = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 30, EvaluationInterval: 10));
        var batches = new Generator(8);
        trainer.Train(flow, () => MiniBatches.Shuffled(fit, 32, batches), validation);

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        trainer.Train(flow, () => MiniBatches.Shuffled(fit, 32, batches), validation);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Equal(before, after);
    }

    [Fact]
    public void CancellationThrowsBetweenStepsAndLeavesNoTensorBehind()
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(200);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 1, HiddenWidth: 8), 9);
        flow.InitializeFromData(fit);
        using var cancellation = new CancellationTokenSource();
        var trainer = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 1000, EvaluationInterval: 1));
        var steps = new List<int>();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Throws<OperationCanceledException>(() => trainer.Train(flow, () => new[] { fit }, validation,
            e => { steps.Add(e.Step); if (e.Step == 2) cancellation.Cancel(); }, new TrainingLimits(cancellation.Token, null)));

        Assert.Equal([1, 2], steps);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void ASpentTimeBudgetStopsWithTheFlowStillScored()
    {
        using var scope = NewDisposeScope();
        var (fit, validation) = SmallGaussianSplit(200);
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 1, HiddenWidth: 8), 9);

        var history = new MaximumLikelihoodTrainer(new MaximumLikelihoodOptions(MaxSteps: 1000))
            .Train(flow, () => new[] { fit }, validation, limits: new TrainingLimits(CancellationToken.None, TimeSpan.FromTicks(1)));

        Assert.True(history.OutOfTime);
        Assert.True(history.Steps < 1000);
    }

    [Theory]
    [InlineData("MaxSteps", "MaximumLikelihoodOptions.MaxSteps must be at least 1; got 0.")]
    [InlineData("EvaluationInterval", "MaximumLikelihoodOptions.EvaluationInterval must be at least 1; got 0.")]
    [InlineData("LearningRate", "MaximumLikelihoodOptions.LearningRate must be a finite number > 0; got -0.1.")]
    [InlineData("WeightDecay", "MaximumLikelihoodOptions.WeightDecay must be a finite number >= 0; got -1.")]
    [InlineData("GradientClipNorm", "MaximumLikelihoodOptions.GradientClipNorm must be a finite number > 0; got 0.")]
    [InlineData("Patience", "MaximumLikelihoodOptions.Patience must be at least 1; got 0.")]
    [InlineData("MinimumImprovement", "MaximumLikelihoodOptions.MinimumImprovement must be a finite number >= 0; got NaN.")]
    [InlineData("EvaluationBatchSize", "MaximumLikelihoodOptions.EvaluationBatchSize must be at least 1; got 0.")]
    public void InvalidOptionIsNamedInTheMessage(string option, string message)
    {
        var options = option switch
        {
            "MaxSteps" => new MaximumLikelihoodOptions(MaxSteps: 0),
            "EvaluationInterval" => new MaximumLikelihoodOptions(EvaluationInterval: 0),
            "LearningRate" => new MaximumLikelihoodOptions(LearningRate: -0.1),
            "WeightDecay" => new MaximumLikelihoodOptions(WeightDecay: -1),
            "GradientClipNorm" => new MaximumLikelihoodOptions(GradientClipNorm: 0),
            "Patience" => new MaximumLikelihoodOptions(Patience: 0),
            "MinimumImprovement" => new MaximumLikelihoodOptions(MinimumImprovement: double.NaN),
            _ => new MaximumLikelihoodOptions(EvaluationBatchSize: 0),
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MaximumLikelihoodTrainer(options));
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }

    // Fits a flow on `count` rows (a quarter more for validation) and returns held-out rows with their true mean log p.
    private static (Tensor Held, double Truth, NormalizingFlow Flow, MaximumLikelihoodHistory History) FitSynthetic(
        Func<long, Generator, (Tensor Rows, Tensor LogProb)> draw, long count, FlowOptions flowOptions, MaximumLikelihoodOptions options)
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(5);
        var fit = draw(count, generator).Rows.to(ScalarType.Float32);
        var validation = draw(count / 4, generator).Rows.to(ScalarType.Float32);
        var (held, truth) = draw(4000, generator);
        var flow = NormalizingFlow.Create((int)fit.shape[1], flowOptions, 1);
        var batches = new Generator(6);
        var history = new MaximumLikelihoodTrainer(options).Train(flow, () => MiniBatches.Shuffled(fit, 256, batches), validation);
        return (held.to(ScalarType.Float32), truth.mean().item<double>(), flow, history);
    }

    private static (Tensor Fit, Tensor Validation) SmallGaussianSplit(long count)
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(10);
        return (SyntheticDensities.CorrelatedGaussian(count, generator).Rows.to(ScalarType.Float32),
            SyntheticDensities.CorrelatedGaussian(count / 2, generator).Rows.to(ScalarType.Float32));
    }
}
