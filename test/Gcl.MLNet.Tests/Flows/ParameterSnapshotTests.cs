using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

public sealed class ParameterSnapshotTests
{
    [Fact]
    public void RestoreBringsBackParametersAndBuffers()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var flow = NormalizingFlow.Create(3, new FlowOptions(Blocks: 1, HiddenWidth: 4), 1);
        var x = randn(20, 3, generator: new Generator(2));
        var before = flow.LogProb(x).detach();
        using var snapshot = ParameterSnapshot.Take(flow);

        flow.InitializeFromData(x * 5 + 1);
        TestTensors.Perturb(flow, 0.3, new Generator(3));
        Assert.True(flow.IsInitialized);
        Assert.True(TestTensors.MaxAbs(flow.LogProb(x) - before) > 1e-2);

        snapshot.Restore(flow);
        Assert.Equal(0.0, TestTensors.MaxAbs(flow.LogProb(x) - before));
        Assert.False(flow.IsInitialized);
    }

    [Fact]
    public void SnapshotSurvivesTheScopeItWasTakenInAndAddsNoLiveTensorsThere()
    {
        TorchRuntime.EnsureLoaded();
        using var flow = NormalizingFlow.Create(2, new FlowOptions(Blocks: 1, HiddenWidth: 4), 1);
        ParameterSnapshot snapshot;
        using (var scope = NewDisposeScope())
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            snapshot = ParameterSnapshot.Take(flow);
            Assert.Equal(before + flow.state_dict().Count, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
        using (snapshot)
        {
            snapshot.Restore(flow);
        }
    }
}
