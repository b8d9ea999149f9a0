using Gcl.MLNet.Flows;
using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

[Collection(SerialComputeCollection.Name)]
public sealed class NormalizingFlowTests
{
    public static TheoryData<FlowLayerKind> Kinds => new() { FlowLayerKind.AffineCoupling, FlowLayerKind.RationalQuadraticSpline };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LogProbReturnedWithASampleEqualsLogProbOfThatSample(FlowLayerKind kind)
    {
        using var scope = NewDisposeScope();
        using var flow = PerturbedFlow(4, kind, 1);
        var (samples, logQ) = flow.SampleWithLogProb(200, new Generator(2));
        Assert.Equal(new long[] { 200, 4 }, samples.shape);
        Assert.Equal(ScalarType.Float64, samples.dtype);
        Assert.True(TestTensors.MaxAbs(flow.LogProb(samples) - logQ) < 1e-9);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void OneDimensionalDensityIntegratesToOne(FlowLayerKind kind)
    {
        using var scope = NewDisposeScope();
        using var flow = PerturbedFlow(1, kind, 3);
        const double half = 25, step = 1e-3;
        var grid = arange(-half + step / 2, half, step, dtype: ScalarType.Float64).unsqueeze(1);
        double mass = flow.LogProb(grid).exp().sum().item<double>() * step;
        Assert.True(Math.Abs(mass - 1) < 1e-3, $"mass {mass}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TwoDimensionalDensityIntegratesToOne(FlowLayerKind kind)
    {
        using var scope = NewDisposeScope();
        using var flow = PerturbedFlow(2, kind, 4);
        const double half = 12, step = 0.04;
        var axis = arange(-half + step / 2, half, step, dtype: ScalarType.Float64);
        var mesh = meshgrid(new[] { axis, axis }, indexing: "ij");
        var grid = stack(new[] { mesh[0].flatten(), mesh[1].flatten() }, 1);
        double mass = flow.LogProb(grid).exp().sum().item<double>() * step * step;
        Assert.True(Math.Abs(mass - 1) < 1e-3, $"mass {mass}");
    }

    [Fact]
    public void CloneHasTheSameDensityAndIndependentParameters()
    {
        using var scope = NewDisposeScope();
        using var flow = PerturbedFlow(3, FlowLayerKind.RationalQuadraticSpline, 5);
        var x = randn(50, 3, dtype: ScalarType.Float64, generator: new Generator(6));
        var before = flow.LogProb(x).detach();

        using var clone = flow.Clone();
        Assert.Equal(0.0, TestTensors.MaxAbs(clone.LogProb(x) - before));
        Assert.Equal(flow.IsInitialized, clone.IsInitialized);

        TestTensors.Perturb(clone, 0.1, new Generator(7));
        Assert.Equal(0.0, TestTensors.MaxAbs(flow.LogProb(x) - before));
        Assert.True(TestTensors.MaxAbs(clone.LogProb(x) - before) > 1e-3);
    }

    [Fact]
    public void SameSeedGivesTheSameSamplesAndAnotherSeedDoesNot()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        var options = new FlowOptions(Blocks: 2, HiddenWidth: 8);
        using var first = NormalizingFlow.Create(3, options, 42);
        using var second = NormalizingFlow.Create(3, options, 42);
        using var other = NormalizingFlow.Create(3, options, 43);
        var a = first.Sample(20, new Generator(1));
        var b = second.Sample(20, new Generator(1));
        var c = other.Sample(20, new Generator(1));
        Assert.Equal(0.0, TestTensors.MaxAbs(a - b));
        Assert.True(TestTensors.MaxAbs(a - c) > 1e-3);
        Assert.Equal(ScalarType.Float32, a.dtype);
    }

    [Fact]
    public void DataDependentInitializationCentersTheNoiseAndKeepsItsTotalVariance()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var flow = NormalizingFlow.Create(3, new FlowOptions(Blocks: 3, HiddenWidth: 8), 8);
        flow.to(ScalarType.Float64);
        var data = randn(400, 3, dtype: ScalarType.Float64, generator: new Generator(9)).matmul(
            tensor(new[,] { { 2.0, 0.0, 0.0 }, { 1.0, 0.5, 0.0 }, { -3.0, 0.2, 0.1 } })) + 7;
        Assert.False(flow.IsInitialized);

        flow.InitializeFromData(data);

        Assert.True(flow.IsInitialized);
        var z = flow.ToNoise(data).Output;
        // Couplings start as the identity and the linear layers as rotations, so z is a rotated standardization.
        Assert.True(TestTensors.MaxAbs(z.mean(new long[] { 0 })) < 1e-10);
        Assert.Equal(3.0, z.var(0L, unbiased: false).sum().item<double>(), 6);
    }

    [Fact]
    public void SampleWithLogProbIsDifferentiableInEveryParameter()
    {
        using var scope = NewDisposeScope();
        using var flow = PerturbedFlow(3, FlowLayerKind.RationalQuadraticSpline, 10);
        var (samples, logQ) = flow.SampleWithLogProb(100, new Generator(11));
        (samples.square().sum() + logQ.sum()).backward();
        foreach (var (name, parameter) in flow.named_parameters())
        {
            Assert.True(parameter.grad is { } g && TestTensors.MaxAbs(g) > 0, $"{name} got no gradient");
        }
    }

    [Fact]
    public void LayersAreListedNoiseSideFirstWithACouplingAtTheNoiseEnd()
    {
        TorchRuntime.EnsureLoaded();
        using var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 2, HiddenWidth: 4), 1);
        var kinds = flow.Layers.Select(l => l.GetType()).ToArray();
        Assert.Equal(new[] { typeof(AffineCoupling), typeof(InvertibleLinear), typeof(ActNorm), typeof(AffineCoupling), typeof(InvertibleLinear), typeof(ActNorm) }, kinds);
        Assert.Equal(new[] { 1, 0 }, flow.Layers.OfType<CouplingBijector>().Select(c => c.Parity));
    }

    [Fact]
    public void FlowBuiltInsideADisposeScopeOutlivesIt()
    {
        TorchRuntime.EnsureLoaded();
        NormalizingFlow flow;
        using (var inner = NewDisposeScope())
        {
            flow = NormalizingFlow.Create(2, new FlowOptions(Blocks: 1, HiddenWidth: 4), 2);
        }
        using (flow)
        using (var scope = NewDisposeScope())
        {
            Assert.True(flow.LogProb(zeros(3, 2)).isfinite().all().item<bool>());
        }
    }

    [Fact]
    public void InvalidInitializationDataIsRejected()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var flow = NormalizingFlow.Create(2, new FlowOptions(Blocks: 1, HiddenWidth: 4), 2);
        var error = Assert.Throws<ArgumentException>(() => flow.InitializeFromData(zeros(1, 2)));
        Assert.StartsWith("Initialization data must be [N, 2] with N >= 2; got [1, 2].", error.Message);
    }

    // A float64 flow with initialized ActNorms and every parameter perturbed, so no layer is the identity.
    private static NormalizingFlow PerturbedFlow(int dimension, FlowLayerKind kind, long seed)
    {
        TorchRuntime.EnsureLoaded();
        var flow = NormalizingFlow.Create(dimension, new FlowOptions(kind, Blocks: 2, HiddenWidth: 16, SplineBins: 6, SplineBound: 3.0), seed);
        flow.to(ScalarType.Float64);
        using var generator = new Generator((ulong)seed);
        flow.InitializeFromData(randn(256, dimension, dtype: ScalarType.Float64, generator: generator) * 1.3 + 0.2);
        TestTensors.Perturb(flow, 0.2, generator);
        return flow;
    }
}
