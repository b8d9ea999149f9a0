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
