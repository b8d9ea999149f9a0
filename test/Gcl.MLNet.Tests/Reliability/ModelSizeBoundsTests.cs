using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Tests.Support;
using Gcl.MLNet.Training;
using Microsoft.ML;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// Issue 15, items 3 and 6: the weight budget (<see cref="ModelSizeBounds"/>) is computed exactly from the
/// architecture, and Validate, Fit and the loader all enforce it before anything is built.
/// </summary>
public sealed class ModelSizeBoundsTests
{
    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling, EnergyNetworkKind.TiltedFlow, 1, 1, 8)]
    [InlineData(FlowLayerKind.AffineCoupling, EnergyNetworkKind.TiltedFlow, 7, 3, 16)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.TiltedFlow, 6, 2, 8)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.Mlp, 5, 1, 4)]
    [InlineData(FlowLayerKind.AffineCoupling, EnergyNetworkKind.Mlp, 2, 4, 3)]
    public void The_weight_count_is_exactly_what_the_built_modules_hold(FlowLayerKind kind, EnergyNetworkKind energyKind, int dimension, int blocks, int width)
    {
        var flow = new FlowOptions(kind, blocks, width);
        var energyOptions = new EnergyOptions(energyKind, [width, 5], 3, 0.01, 0.01);
        using var generator = NormalizingFlow.Create(dimension, flow, seed: 1);
        using var initialization = new Generator(1);
        using var energy = energyOptions.Create(generator, initialization);
        var (energyBytes, generatorBytes) = ModelSizeBounds.WeightBytes(dimension, flow, energyOptions);
        Assert.Equal(Bytes(generator), generatorBytes);
        Assert.Equal(Bytes(energy), energyBytes);
    }

    [Fact]
    public void Fit_refuses_a_model_over_the_budget_before_building_it_and_says_what_to_lower()
    {
        const int features = 2000;
        var mlContext = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 8).Select(i => new TestData.FeatureRow { Features = Enumerable.Range(0, features).Select(j => (float)(i * j % 7)).ToArray() });
        var estimator = mlContext.Transforms.EnergyModel(options: new EnergyModelOptions { Seed = 1 });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(TestData.View(mlContext, rows, features)));
        Assert.StartsWith("EnergyModelOptions: a model of 2000 features with FlowBlocks = 4, FlowHiddenWidth = 64 and EnergyHiddenSizes = [64, 64] holds", error.Message);
        Assert.Contains("at most 64 MiB (16,777,216 weights) load within 1 s and 500 MB", error.Message);
        Assert.Contains("Lower FlowBlocks, FlowHiddenWidth or EnergyHiddenSizes, or reduce the features", error.Message);
    }

    [Fact]
    public void The_most_features_the_default_networks_allow_pass_and_one_more_does_not()
    {
        var options = new EnergyModelOptions();
        options.ValidateSize(817);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.ValidateSize(818));
    }

    [Fact]
    public void Validate_refuses_networks_that_alone_exceed_the_budget()
    {
        var options = new EnergyModelOptions { FlowBlocks = ModelSizeBounds.MaxFlowBlocks, FlowHiddenWidth = ModelSizeBounds.MaxWidth };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.StartsWith("EnergyModelOptions: a model of 1 feature with FlowBlocks = 8, FlowHiddenWidth = 1024", error.Message);
    }

    private static long Bytes(nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);
}
