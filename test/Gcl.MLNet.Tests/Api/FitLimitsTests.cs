using System.Reflection;
using System.Diagnostics;
using Gcl.MLNet.Api;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using Xunit;

namespace Gcl.MLNet.Tests.Api;

/// <summary>Cancellation, the time budget and the log's volume, through the public estimator.</summary>
public sealed class FitLimitsTests
{
    private static readonly TestData.FeatureRow[] Rows = TestData.Gaussian(400, seed: 3);

    [Fact]
    public void CancellingStopsFitWithinASecondAndNeitherItNorTheNextFitLeavesATensor()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, Rows);
        using var cancellation = new CancellationTokenSource();
        var cancelledAt = new Stopwatch();
        var progress = new Progress(report =>
        {
            if (report.Phase == TrainingPhase.Adversarial && report.Step > 0 && !cancelledAt.IsRunning)
            {
                cancellation.Cancel();
                cancelledAt.Start();
            }
        });
        var options = Small(adversarialIterations: 100_000, progress: progress, cancellation: cancellation.Token);
        using (mlContext.Transforms.EnergyModel(options: TestData.Tiny(seed: 2)).Fit(data)) { } // one-time native allocations happen here
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Throws<OperationCanceledException>(() => mlContext.Transforms.EnergyModel(options: options).Fit(data));

        Assert.True(cancelledAt.Elapsed < TimeSpan.FromSeconds(1), $"Fit ran on for {cancelledAt.Elapsed} after cancellation");
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        using (var next = mlContext.Transforms.EnergyModel(options: TestData.Tiny(seed: 2)).Fit(data))
        {
            Assert.True(double.IsFinite(next.Model.Partition.LogZ));
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void MLContextCancelExecutionStopsFit()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, Rows);
        var options = Small(adversarialIterations: 100_000,
            progress: new Progress(report => { if (report.Phase == TrainingPhase.Adversarial && report.Step > 0) CancelExecution(mlContext); }));

        var error = Assert.Throws<OperationCanceledException>(() => mlContext.Transforms.EnergyModel(options: options).Fit(data));

        Assert.Contains("MLContext.CancelExecution", error.Message);
    }

    [Fact]
    public void HostCancellationReadsMLNetsInternalFlag()
    {
        var mlContext = new MLContext(seed: 1);
        var host = ((IHostEnvironment)mlContext).Register("probe");
        var isCanceled = HostCancellation.Observe(host);

        Assert.NotNull(isCanceled);
        Assert.False(isCanceled());
        CancelExecution(mlContext);
        Assert.True(isCanceled());
    }

    [Fact]
    public void ASpentTimeBudgetReturnsAUsableModelThatNamesTheStageCutShort()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, Rows);
        var slowAdversarialStart = new Progress(report => { if (report.Phase == TrainingPhase.Adversarial && report.Step == 0) Thread.Sleep(1500); });
        var options = Small(adversarialIterations: 100_000, budget: TimeSpan.FromSeconds(1), progress: slowAdversarialStart);

        using var model = mlContext.Transforms.EnergyModel(options: options).Fit(data);

        Assert.Equal(TrainingPhase.Adversarial, model.Model.Summary.TimeBudgetExhaustedIn);
        Assert.True(model.Model.Summary.AdversarialIterations < 100_000);
        Assert.All(TestData.Column(model.Transform(data), "Score"), s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void ABudgetSpentBeforeTheFirstStepStillGivesAScoredFlow()
    {
        var mlContext = new MLContext(seed: 1);
        var data = TestData.View(mlContext, Rows);
        var options = Small(warmStartSteps: 100_000, budget: TimeSpan.FromTicks(1));

        using var model = mlContext.Transforms.EnergyModel(options: options).Fit(data);

        Assert.Equal(TrainingPhase.WarmStart, model.Model.Summary.TimeBudgetExhaustedIn);
        Assert.True(double.IsFinite(model.Model.Summary.FlowValidationLogLikelihood));
        Assert.All(TestData.Column(model.Transform(data), "LogDensity"), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void AFitLogsAHandfulOfInfoLinesAndTheDetailAtTrace()
    {
        var mlContext = new MLContext(seed: 1);
        var kinds = new List<ChannelMessageKind>();
        var sources = new HashSet<string>();
        mlContext.Log += (_, e) =>
        {
            lock (kinds)
            {
                sources.Add(e.Source);
                if (e.Source.Contains(nameof(EnergyModel), StringComparison.Ordinal)) kinds.Add(e.Kind);
            }
        };
        var options = Small(warmStartSteps: 200, adversarialIterations: 300);

        using var model = mlContext.Transforms.EnergyModel(options: options).Fit(TestData.View(mlContext, Rows));

        int info = kinds.Count(k => k == ChannelMessageKind.Info);
        Assert.True(info is >= 3 and <= 25, $"{info} Info lines; sources {string.Join(", ", sources)}");
        Assert.True(kinds.Count(k => k == ChannelMessageKind.Trace) > info, "each evaluation should be logged at Trace");
    }

    // MLContext.CancelExecution is internal in ML.NET 5; applications reach it through the Microsoft.ML.Experimental package.
    private static void CancelExecution(MLContext mlContext) =>
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance)!.Invoke(mlContext, null);

    private static EnergyModelOptions Small(int warmStartSteps = 25, int adversarialIterations = 50, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default, TimeSpan? budget = null) =>
        TestData.Tiny(seed: 2, progress, warmStartSteps: warmStartSteps, adversarialIterations: adversarialIterations, cancellation: cancellation, budget: budget);

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
