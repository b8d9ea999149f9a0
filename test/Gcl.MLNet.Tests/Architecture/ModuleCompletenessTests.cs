using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Onnx;
using Gcl.MLNet.Persistence;
using Gcl.MLNet.Tests.Onnx;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Architecture;

/// <summary>
/// A flow layer or energy has several faces that live in different folders: the TorchSharp module, its ONNX
/// emitters (both directions of a layer: scoring runs x → z, sampling z → x), its layout in the model file, and
/// its managed single-row form (or an explicit opt-out, <see cref="ManagedFlow.LayersWithoutManagedForm"/>). These
/// tests find every concrete bijector and energy by reflection and build each through the public kinds, so a new
/// module that lacks a face fails here instead of at a user's export, load or PredictionEngine.
/// </summary>
public sealed class ModuleCompletenessTests
{
    private static readonly Type[] LibraryTypes = typeof(EnergyModel).Assembly.GetTypes();

    public static TheoryData<FlowLayerKind, EnergyNetworkKind> Kinds()
    {
        var kinds = new TheoryData<FlowLayerKind, EnergyNetworkKind>();
        foreach (var flow in Enum.GetValues<FlowLayerKind>()) foreach (var energy in Enum.GetValues<EnergyNetworkKind>()) kinds.Add(flow, energy);
        return kinds;
    }

    [Fact]
    public void EveryConcreteBijectorIsBuiltBySomeFlowLayerKind()
    {
        var built = Enum.GetValues<FlowLayerKind>()
            .SelectMany(kind =>
            {
                using var flow = NormalizingFlow.Create(3, new FlowOptions(kind, Blocks: 1, HiddenWidth: 4), seed: 1);
                return flow.Layers.Select(l => l.GetType()).ToList();
            })
            .ToHashSet();

        Assert.Equal(Concrete(typeof(Bijector)).OrderBy(t => t.Name), built.OrderBy(t => t.Name));
    }

    [Fact]
    public void EveryConcreteEnergyIsBuiltBySomeEnergyNetworkKind()
    {
        using var flow = NormalizingFlow.Create(3, new FlowOptions(Blocks: 1, HiddenWidth: 4), seed: 1);
        using var initialization = new Generator(1);
        var built = Enum.GetValues<EnergyNetworkKind>()
            .Select(kind =>
            {
                using var energy = new EnergyOptions(kind, [4], TiltBound: 1, Confinement: 0.1, TailWeight: 0.01).Create(flow, initialization);
                Assert.Equal(kind, energy.Options.Kind);
                return energy.GetType();
            })
            .ToHashSet();

        // The kernel term wraps an energy of either kind after training rather than being a kind of its own;
        // Model/KernelMixtureModelTests checks its faces (file, ONNX, managed form).
        Assert.Equal(Concrete(typeof(EnergyFunction)).Where(t => t != typeof(KernelMixtureEnergy)).OrderBy(t => t.Name), built.OrderBy(t => t.Name));
    }

    [Fact]
    public void EveryOptedOutLayerIsABijectorThatReallyHasNoManagedForm()
    {
        foreach (var type in ManagedFlow.LayersWithoutManagedForm) Assert.Contains(type, Concrete(typeof(Bijector)));
        using var spline = NormalizingFlow.Create(3, new FlowOptions(FlowLayerKind.RationalQuadraticSpline, Blocks: 1, HiddenWidth: 4), seed: 1);
        Assert.Contains(spline.Layers, l => ManagedFlow.LayersWithoutManagedForm.Contains(l.GetType()));
        Assert.Null(ManagedFlow.TryCreate(spline));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindExportsBothOnnxDirectionsAndMatchesTorchSharp(FlowLayerKind flowKind, EnergyNetworkKind energyKind)
    {
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, flowKind, energyKind, seed: 5);
        var rows = WdbcRows.Rows.Take(8).ToArray();
        var (_, logDensity) = Score(model, rows);

        using var scoring = new OnnxTestRunner(EnergyModelOnnxExporter.Scoring(model));
        using var sampling = new OnnxTestRunner(EnergyModelOnnxExporter.Generator(model));
        var onnx = scoring.Run("LogDensity", ("Features", rows.SelectMany(r => r).ToArray(), [rows.Length, model.FeatureCount]));
        var samples = sampling.Run("Samples", ("Noise", new float[3 * model.FeatureCount], [3, model.FeatureCount]));

        OnnxTestRunner.AssertClose(logDensity, onnx.Values, scale: 1);
        Assert.Equal([3L, model.FeatureCount], samples.Shape);
        Assert.All(samples.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindSurvivesASaveLoadRoundTripBitForBit(FlowLayerKind flowKind, EnergyNetworkKind energyKind)
    {
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, flowKind, energyKind, seed: 6);
        using var file = new MemoryStream();
        ModelArchive.Write(file, new ArchivedModel(model, "Features", null, InvalidRowHandling.Reject, null, []));
        file.Position = 0;
        using var loaded = ModelArchive.Read(file).Model;
        var rows = WdbcRows.Rows.Take(40).ToArray();

        var (energy, logDensity) = Score(model, rows);
        var (loadedEnergy, loadedLogDensity) = Score(loaded, rows);
        Assert.Equal(energy, loadedEnergy);
        Assert.Equal(logDensity, loadedLogDensity);
        Assert.Equal(model.Energy.GetType(), loaded.Energy.GetType());
        Assert.Equal(model.Generator.Layers.Select(l => l.GetType()), loaded.Generator.Layers.Select(l => l.GetType()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindHasAManagedFormOrFallsBackToTorchSharp(FlowLayerKind flowKind, EnergyNetworkKind energyKind)
    {
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, flowKind, energyKind, seed: 7);
        // Scoring needs the energy alone; a tilted energy holds a reference flow of the model's flow kind.
        bool optedOut = model.Energy is TiltedFlowEnergy tilted && tilted.Reference.Layers.Any(l => ManagedFlow.LayersWithoutManagedForm.Contains(l.GetType()));

        var managed = ManagedScorer.TryCreate(model.Standardizer, model.Energy, ScalarType.Float32);

        Assert.Equal(optedOut, managed is null);
        var few = WdbcRows.Rows.Take(3).ToArray();
        var many = WdbcRows.Rows.Take(3 + ManagedScorer.MaxRows).ToArray();
        var (fewEnergy, fewLogDensity) = Score(model, few);
        var (manyEnergy, manyLogDensity) = Score(model, many);
        OnnxTestRunner.AssertClose(manyEnergy[..3], fewEnergy, scale: 1);
        OnnxTestRunner.AssertClose(manyLogDensity[..3], fewLogDensity, scale: 1);
    }

    private static List<Type> Concrete(Type baseType) => LibraryTypes.Where(t => t.IsSubclassOf(baseType) && !t.IsAbstract).ToList();

    private static (float[] Energy, float[] LogDensity) Score(EnergyModel model, float[][] rows)
    {
        var energy = new float[rows.Length];
        var logDensity = new float[rows.Length];
        model.Score(rows.SelectMany(r => r).ToArray(), energy, logDensity);
        return (energy, logDensity);
    }
}
