using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Networks;

public sealed class MlpTests
{
    [Fact]
    public void TrainingStepsLowerTheLossOnSyntheticRegression()
    {
        TorchRuntime.EnsureLoaded();
        var generator = new Generator(7);
        using var model = new Mlp("mlp", 1, new[] { 32, 32 }, 1);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-2);

        float first = TrainStep(model, optimizer, generator);
        float last = first;
        for (int step = 0; step < 300; step++) last = TrainStep(model, optimizer, generator);

        Assert.True(last < 0.1f * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void LiveTensorCountStaysFlatOverManySteps()
    {
        TorchRuntime.EnsureLoaded();
        var generator = new Generator(11);
        using var model = new Mlp("mlp", 1, new[] { 16 }, 1);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        for (int step = 0; step < 20; step++) TrainStep(model, optimizer, generator); // Adam state now exists.

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int step = 0; step < 500; step++) TrainStep(model, optimizer, generator);
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.Equal(before, after);
    }

    [Fact]
    public void ZeroLastLayerStartsAtZeroOutput()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = new Mlp("mlp", 3, new[] { 8 }, 2, zeroLastLayer: true);
        var output = model.forward(randn(5, 3));
        Assert.Equal(0.0, output.abs().max().item<float>());
    }

    // One Adam step fitting y = sin(2x) on a fresh batch; returns the batch loss.
    private static float TrainStep(Mlp model, optim.Optimizer optimizer, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = rand(128, 1, generator: generator) * 4 - 2;
        var y = (2 * x).sin();
        optimizer.zero_grad();
        var loss = nn.functional.mse_loss(model.forward(x), y);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    [Fact]
    public void SameInitializationSeedGivesTheSameWeightsWithinTorchsDefaultBounds()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var first = new Mlp("mlp", 4, new[] { 16 }, 3, initialization: new Generator(7));
        using var second = new Mlp("mlp", 4, new[] { 16 }, 3, initialization: new Generator(7));

        var pairs = first.parameters().Zip(second.parameters()).ToList();
        Assert.All(pairs, p => Assert.Equal(0.0, (p.First - p.Second).abs().max().ToDouble()));
        Assert.True(first.Layers[0].weight!.abs().max().ToDouble() <= 0.5);
        Assert.True(first.Layers[1].weight!.abs().max().ToDouble() <= 0.25);
        Assert.True(first.Layers[1].weight!.abs().max().ToDouble() > 0.1);
    }

    [Fact]
    public void SeededZeroLastLayerLeavesOnlyTheLastLayerAtZero()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var mlp = new Mlp("mlp", 4, new[] { 16 }, 3, zeroLastLayer: true, initialization: new Generator(8));
        Assert.Equal(0.0, mlp.Layers[1].weight!.abs().max().ToDouble());
        Assert.Equal(0.0, mlp.Layers[1].bias!.abs().max().ToDouble());
        Assert.True(mlp.Layers[0].weight!.abs().max().ToDouble() > 0.1);
    }
}
