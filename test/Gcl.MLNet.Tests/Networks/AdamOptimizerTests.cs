using Gcl.MLNet.Networks;
using TorchSharp.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Networks;

public sealed class AdamOptimizerTests
{
    // The same network, loss and data; one copy stepped by TorchSharp's optimizer, one by ours.
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void StepsMatchTorchSharpsAdamAndAdamW(double weightDecay)
    {
        var ours = new Mlp("mlp", 3, [8], 1, initialization: new Generator(5));
        var theirs = new Mlp("mlp", 3, [8], 1, initialization: new Generator(5));
        using var ourOptimizer = new AdamOptimizer(ours.parameters(), 0.01, 0.8, 0.95, weightDecay: weightDecay);
        using var theirOptimizer = weightDecay > 0
            ? (optim.Optimizer)optim.AdamW(theirs.parameters(), 0.01, 0.8, 0.95, weight_decay: weightDecay)
            : optim.Adam(theirs.parameters(), 0.01, 0.8, 0.95);
        using var data = randn(32, 3, generator: new Generator(2));
        using var target = randn(32, 1, generator: new Generator(3));

        for (int step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            ourOptimizer.ZeroGrad();
            (ours.forward(data) - target).square().mean().backward();
            ourOptimizer.Step();
            theirOptimizer.zero_grad();
            (theirs.forward(data) - target).square().mean().backward();
            theirOptimizer.step();
        }

        foreach (var ((name, mine), (_, reference)) in ours.named_parameters().Zip(theirs.named_parameters()))
        {
            double difference = (mine - reference).abs().max().ToDouble();
            Assert.True(difference < 1e-5, $"{name}: largest difference {difference}");
        }
        Assert.True(ours.named_parameters().Zip(theirs.named_parameters()).Any(), "the networks have parameters");
    }

    // A step where only some parameters have gradients takes the per-parameter path over the same flat moments.
    [Fact]
    public void WhenSomeParametersLackGradientsTheOthersStepAsIfAlone()
    {
        var stepped = new Parameter(tensor(new float[] { 1, 2, 3 }));
        var idle = new Parameter(tensor(new float[] { 4, 5 }));
        var alone = new Parameter(tensor(new float[] { 1, 2, 3 }));
        using var together = new AdamOptimizer([idle, stepped], 0.1, weightDecay: 0.01);
        using var single = new AdamOptimizer([alone], 0.1, weightDecay: 0.01);

        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            together.ZeroGrad();
            single.ZeroGrad();
            stepped.square().sum().backward();
            alone.square().sum().backward();
            together.Step();
            single.Step();
        }

        Assert.Equal(alone.data<float>().ToArray(), stepped.data<float>().ToArray());
        Assert.Equal(new[] { 4f, 5f }, idle.data<float>().ToArray());
        Assert.NotEqual(new[] { 1f, 2f, 3f }, stepped.data<float>().ToArray());
    }

    [Fact]
    public void ParametersOfDifferentDtypesAreRefused()
    {
        var single = new Parameter(ones(2));
        var doubled = new Parameter(ones(2, dtype: ScalarType.Float64));

        Assert.Throws<ArgumentException>(() => new AdamOptimizer([single, doubled], 0.1));
    }

    [Fact]
    public void ParametersWithoutGradientsAreLeftAlone()
    {
        var frozen = new Parameter(ones(3));
        using var optimizer = new AdamOptimizer([frozen], 0.1);
        optimizer.ZeroGrad();
        optimizer.Step();
        Assert.Equal(new[] { 1f, 1f, 1f }, frozen.data<float>().ToArray());
    }
}
