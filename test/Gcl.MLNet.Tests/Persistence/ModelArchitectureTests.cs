using Gcl.MLNet.Tests.Support;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Persistence;
using System.Text.Json;
using Xunit;

namespace Gcl.MLNet.Tests.Persistence;

[Collection(TrainedModelCollection.Name)]
public sealed class ModelArchitectureTests(TrainedModel trained)
{
    [Fact]
    public void TheArchitectureIsReadFromTheModulesAndRebuildsTheSameStateLayout()
    {
        var model = trained.Transformer.Model;

        var architecture = ModelArchitecture.Of(model);
        var (energy, generator) = architecture.Build(model.FeatureCount);
        using (energy)
        using (generator)
        {
            Assert.Equal((FlowLayerKind.AffineCoupling, 2, 16), (architecture.FlowLayer, architecture.FlowBlocks, architecture.FlowHiddenWidth));
            Assert.Equal((EnergyNetworkKind.TiltedFlow, 16, "Float32"), (architecture.EnergyNetwork, architecture.EnergyHiddenSizes.Single(), architecture.DType));
            Assert.Equal(Layout(model.Energy), Layout(energy));
            Assert.Equal(Layout(model.Generator), Layout(generator));
        }
    }

    [Fact]
    public void TheTailWeightIsRecordedAndAFileWrittenBeforeTheTailReadsAsNone()
    {
        var architecture = ModelArchitecture.Of(trained.Transformer.Model);
        Assert.Equal(TestData.Tiny().TailWeight, architecture.TailWeight);
        Assert.True(architecture.TailWeight > 0);

        var json = JsonSerializer.SerializeToNode(architecture, ManifestJson.Options)!.AsObject();
        Assert.True(json.Remove("tailWeight"), "the architecture should be written with its tail weight");
        var older = json.Deserialize<ModelArchitecture>(ManifestJson.Options)!;

        Assert.Equal(0, older.TailWeight);
        Assert.Equal(0, older.Energy.TailWeight);
        Assert.Equal(architecture with { TailWeight = 0 }, older with { EnergyHiddenSizes = architecture.EnergyHiddenSizes });
    }

    [Fact]
    public void AnMlpEnergyIsDescribedByItsSizesAndConfinement()
    {
        using var flow = NormalizingFlow.Create(3, new FlowOptions(FlowLayerKind.RationalQuadraticSpline, Blocks: 1, HiddenWidth: 4), 5);
        using var energy = new MlpEnergy(3, [6, 7], 0.25);
        using var model = new EnergyModel(new Standardizer([0, 0, 0], [1, 1, 1]), energy, flow, 1.0, null, trained.Transformer.Model.Summary);

        var architecture = ModelArchitecture.Of(model);

        Assert.Equal((EnergyNetworkKind.Mlp, 0.25), (architecture.EnergyNetwork, architecture.Confinement));
        Assert.Equal([6, 7], architecture.EnergyHiddenSizes);
        Assert.Equal((FlowLayerKind.RationalQuadraticSpline, 5L), (architecture.FlowLayer, architecture.FlowSeed));
    }

    [Fact]
    public void ValidationNamesWhatIsWrong()
    {
        var good = ModelArchitecture.Of(trained.Transformer.Model);

        Assert.StartsWith("The manifest's model architecture is invalid: EnergyOptions.HiddenSizes must list one or more positive widths; got [].",
            Assert.Throws<InvalidDataException>(() => (good with { EnergyHiddenSizes = [] }).Validate()).Message);
        Assert.StartsWith("The manifest's model architecture is invalid: EnergyOptions.TiltBound must be a finite number > 0; got -1.",
            Assert.Throws<InvalidDataException>(() => (good with { TiltBound = -1 }).Validate()).Message);
        Assert.Equal("The manifest's model architecture is invalid: the energy must have at most 8 hidden layers of widths in [1, 1024].",
            Assert.Throws<InvalidDataException>(() => (good with { EnergyHiddenSizes = [8, 1 << 20] }).Validate()).Message);
        Assert.StartsWith("The manifest's model architecture is invalid: the flow is implausibly large (at most 8 blocks",
            Assert.Throws<InvalidDataException>(() => (good with { FlowHiddenWidth = 1 << 20 }).Validate()).Message);
        good.Validate();
    }

    [Fact]
    public void AKernelTermIsValidatedAndCountedInTheWeightsBeforeAnythingIsBuilt()
    {
        var good = ModelArchitecture.Of(trained.Transformer.Model) with { KernelCenters = 100, KernelBandwidth = 0.3, KernelWeight = 0.2, KernelLogScale = -0.1 };
        string Problem(ModelArchitecture architecture) => Assert.Throws<InvalidDataException>(architecture.Validate).Message;

        Assert.Equal("The manifest's model architecture is invalid: a kernel term must have 2 to 65536 centers.", Problem(good with { KernelCenters = 1 }));
        Assert.Equal("The manifest's model architecture is invalid: a kernel term must have 2 to 65536 centers.", Problem(good with { KernelCenters = -5 }));
        Assert.Equal("The manifest's model architecture is invalid: the kernel bandwidth must be in [0.0001, 1000].", Problem(good with { KernelBandwidth = double.NaN }));
        Assert.Equal("The manifest's model architecture is invalid: the kernel bandwidth must be in [0.0001, 1000].", Problem(good with { KernelBandwidth = 1e-300 }));
        Assert.Equal("The manifest's model architecture is invalid: the kernel weight must be in (0, 1).", Problem(good with { KernelWeight = 1 }));
        Assert.StartsWith("The manifest's model architecture is invalid: the kernel log scale must be finite", Problem(good with { KernelLogScale = double.PositiveInfinity }));
        good.Validate();
        var (energyBytes, _) = good.WeightBytes(4);
        Assert.Equal(ModelArchitecture.Of(trained.Transformer.Model).WeightBytes(4).Energy + 100 * 4 * sizeof(float), energyBytes);
        var (energy, generator) = good.Build(4);
        using (energy)
        using (generator)
        {
            var kernel = Assert.IsType<KernelMixtureEnergy>(energy);
            Assert.Equal((100, 0.3, 0.2, -0.1), (kernel.CenterCount, kernel.Bandwidth, kernel.Weight, kernel.LogScale));
        }
    }

    private static List<(string, string, string)> Layout(TorchSharp.torch.nn.Module module) =>
        module.state_dict().Select(kv => (kv.Key, kv.Value.dtype.ToString(), string.Join("x", kv.Value.shape))).ToList();
}
