using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Native;
using Gcl.MLNet.Networks;
using Gcl.MLNet.Tests.Onnx;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static Gcl.MLNet.Tests.Flows.TestTensors;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Inference;

/// <summary>
/// Each managed float32 layer against its TorchSharp module run in float64 on the same rows. The rows are drawn
/// as float32 values, so both sides see exactly the same inputs and the only difference is float32 arithmetic
/// (and float32 copies of the weights). Flow layers are compared in the direction the scorer uses: the inverse,
/// data side x to noise side z, with its log|det dz/dx|. Every module is seeded and perturbed away from its
/// identity-like initialization (zero last layers, unit ActNorm, orthogonal linear map).
/// </summary>
public sealed class ManagedLayerContractTests(ITestOutputHelper output)
{
    /// <summary>
    /// Allowed |managed - float64| per value, relative above 1: float32 carries 24 bits (6e-8 relative); one layer
    /// of these sizes rounds a few dozen times, and an energy sums the log-dets of a whole flow.
    /// </summary>
    private const double Tolerance = 1e-5;

    private const int Rows = 48;

    public static TheoryData<int> Dimensions => new() { 1, 3, 4 };

    public static TheoryData<int, int> DimensionsAndParities => new() { { 1, 0 }, { 3, 0 }, { 3, 1 }, { 4, 0 }, { 4, 1 } };

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void ActNormInitializedFromDataMatchesItsInverse(int dimension)
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(dimension);
        var layer = new ActNorm("actnorm", dimension);
        using (var data = randn(256, dimension, generator: generator) * 3 + 5) layer.InitializeFromData(data);
        Assert.True(layer.IsInitialized);
        layer.to(ScalarType.Float64);
        OnnxTestEnergyModels.Perturb(layer, generator);

        AssertLayerMatches("ActNorm", layer, new ManagedActNorm(layer), RowsOnDataSide(dimension, generator, mean: 5, spread: 3));
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void InvertibleLinearMatchesItsInverse(int dimension)
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(10 + dimension);
        var layer = new InvertibleLinear("linear", dimension, generator);
        layer.to(ScalarType.Float64);
        OnnxTestEnergyModels.Perturb(layer, generator);

        AssertLayerMatches("InvertibleLinear", layer, new ManagedInvertibleLinear(layer), RowsOnDataSide(dimension, generator, mean: 0, spread: 2));
    }

    [Theory]
    [MemberData(nameof(DimensionsAndParities))]
    public void AffineCouplingMatchesItsInverseIncludingTheBoundedLogScale(int dimension, int parity)
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(20 + 2 * dimension + parity);
        var layer = new AffineCoupling("coupling", dimension, parity, hiddenWidth: 16, hiddenLayers: 2, logScaleBound: 1.0, generator);
        layer.to(ScalarType.Float64);
        OnnxTestModels.Randomize(layer.Conditioner, generator);
        // Conditioner outputs alternate (shift, raw log-scale) per feature: stretch the raw log-scales only.
        using (no_grad())
        {
            var last = layer.Conditioner.Layers[^1];
            var stretch = tensor(Enumerable.Range(0, (int)last.bias!.shape[0]).Select(k => k % 2 == 1 ? 4.0 : 1.0).ToArray());
            last.weight!.mul_(stretch.unsqueeze(1));
            last.bias.mul_(stretch);
        }
        var x = RowsOnDataSide(dimension, generator, mean: 0, spread: 2);

        // The raw log-scales must reach past the bound, or a managed layer that skipped the tanh would pass.
        double largestRaw = MaxAbs(layer.ConditionerParameters(x.Exact).select(2, 1));
        Assert.True(largestRaw > 1.5 * layer.LogScaleBound, $"largest raw log-scale {largestRaw} stays inside the bound");

        AssertLayerMatches("AffineCoupling", layer, new ManagedAffineCoupling(layer), x);
    }

    [Theory]
    [InlineData(5, new int[0], 3)]
    [InlineData(5, new[] { 16, 8 }, 3)]
    [InlineData(3, new[] { 16 }, 1)]
    public void MlpMatchesTheTorchSharpNetwork(int inputSize, int[] hiddenSizes, int outputSize)
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(30 + hiddenSizes.Length);
        var mlp = new Mlp("mlp", inputSize, hiddenSizes, outputSize, initialization: generator);
        mlp.to(ScalarType.Float64);
        OnnxTestModels.Randomize(mlp, generator);
        var managed = new ManagedMlp(mlp);
        Assert.Equal(outputSize, managed.OutputSize);
        var x = RowsOnDataSide(inputSize, generator, mean: 0, spread: 2);
        var expected = Doubles(mlp.forward(x.Exact));

        double largest = 0;
        var result = new float[outputSize];
        var scratch = new float[managed.ScratchLength];
        for (int i = 0; i < Rows; i++)
        {
            Array.Fill(scratch, float.NaN);
            managed.Forward(x.Rows[i], result, scratch);
            for (int j = 0; j < outputSize; j++) largest = Math.Max(largest, AssertClose(expected[i][j], result[j], $"output {j} of row {i}"));
        }
        output.WriteLine($"Mlp {inputSize} -> [{string.Join(", ", hiddenSizes)}] -> {outputSize}: largest difference {largest:E2}");
    }

    [Fact]
    public void DenseLayerMatchesTheLinearModule()
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(40);
        var linear = nn.Linear(6, 4);
        linear.to(ScalarType.Float64);
        using (no_grad())
        {
            linear.weight!.copy_(randn(4, 6, dtype: ScalarType.Float64, generator: generator));
            linear.bias!.copy_(randn(4, dtype: ScalarType.Float64, generator: generator));
        }
        var dense = new DenseLayer(linear);
        Assert.Equal((6, 4), (dense.InputSize, dense.OutputSize));
        var x = RowsOnDataSide(6, generator, mean: 0, spread: 2);
        var expected = Doubles(linear.forward(x.Exact));

        var result = new float[4];
        for (int i = 0; i < Rows; i++)
        {
            dense.Apply(x.Rows[i], result);
            for (int j = 0; j < 4; j++) AssertClose(expected[i][j], result[j], $"output {j} of row {i}");
        }
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void TiltedFlowEnergyAndItsReferenceFlowMatchTorchSharp(int dimension)
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(50 + dimension);
        using var data = randn(256, dimension, generator: generator) * 1.5;
        var energy = (TiltedFlowEnergy)OnnxTestEnergyModels.Energy(EnergyNetworkKind.TiltedFlow, dimension, FlowLayerKind.AffineCoupling, generator, data);
        energy.to(ScalarType.Float64);
        var x = RowsOnDataSide(dimension, generator, mean: 0, spread: 2);

        var flow = ManagedFlow.TryCreate(energy.Reference);
        Assert.NotNull(flow);
        var expectedLogProb = Doubles(energy.Reference.LogProb(x.Exact).unsqueeze(1));
        var flowScratch = new float[flow.ScratchLength];
        for (int i = 0; i < Rows; i++)
        {
            Array.Fill(flowScratch, float.NaN);
            AssertClose(expectedLogProb[i][0], flow.LogProb(x.Rows[i], flowScratch), $"log q of row {i}");
        }

        var managed = Assert.IsType<ManagedTiltedEnergy>(ManagedEnergy.TryCreate(energy));
        AssertEnergyMatches("TiltedFlowEnergy", energy, managed, x);

        // The tilt must matter: -log q_ref alone differs from E by more than the tolerance on these rows.
        double largestTilt = MaxAbs(energy.PenalizedPart(x.Exact));
        Assert.True(largestTilt > 0.1, $"largest |tilt| {largestTilt}");
    }

    [Theory]
    [MemberData(nameof(Dimensions))]
    public void MlpEnergyMatchesTorchSharpIncludingTheConfinement(int dimension)
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(60 + dimension);
        var energy = (MlpEnergy)OnnxTestEnergyModels.Energy(EnergyNetworkKind.Mlp, dimension, FlowLayerKind.AffineCoupling, generator);
        energy.to(ScalarType.Float64);
        Assert.True(energy.Confinement > 0);
        var x = RowsOnDataSide(dimension, generator, mean: 0, spread: 4);

        var managed = Assert.IsType<ManagedMlpEnergy>(ManagedEnergy.TryCreate(energy));
        AssertEnergyMatches("MlpEnergy", energy, managed, x);
    }

    [Fact]
    public void SplineFlowsHaveNoManagedForm()
    {
        using var scope = NewDisposeScope();
        using var generator = Seeded(70);
        var energy = OnnxTestEnergyModels.Energy(EnergyNetworkKind.TiltedFlow, 3, FlowLayerKind.RationalQuadraticSpline, generator);

        Assert.Null(ManagedFlow.TryCreate(((TiltedFlowEnergy)energy).Reference));
        Assert.Null(ManagedEnergy.TryCreate(energy));
    }

    private void AssertLayerMatches(string name, Bijector layer, ManagedFlowLayer managed, (float[][] Rows, Tensor Exact) x)
    {
        var (z, logAbsDet) = layer.Inverse(x.Exact);
        var expected = Doubles(z);
        var expectedLogDet = Doubles(logAbsDet.unsqueeze(1));
        Assert.True(expectedLogDet.Max(r => Math.Abs(r[0])) > 1e-2, $"{name}: the perturbed layer should not preserve volume");

        double largest = 0;
        var scratch = new float[managed.ScratchLength];
        for (int i = 0; i < Rows; i++)
        {
            var row = (float[])x.Rows[i].Clone();
            Array.Fill(scratch, float.NaN);   // a layer that reads scratch it did not write gives NaN
            double logDet = managed.Invert(row, scratch);
            for (int j = 0; j < row.Length; j++) largest = Math.Max(largest, AssertClose(expected[i][j], row[j], $"{name}: z[{j}] of row {i}"));
            largest = Math.Max(largest, AssertClose(expectedLogDet[i][0], logDet, $"{name}: log|det| of row {i}"));
        }
        output.WriteLine($"{name} in {x.Rows[0].Length} dimensions: largest difference {largest:E2} (relative above 1)");
    }

    private void AssertEnergyMatches(string name, EnergyFunction energy, ManagedEnergy managed, (float[][] Rows, Tensor Exact) x)
    {
        var expected = Doubles(energy.forward(x.Exact).unsqueeze(1));
        double largest = 0;
        var scratch = new float[managed.ScratchLength];
        for (int i = 0; i < Rows; i++)
        {
            Array.Fill(scratch, float.NaN);
            largest = Math.Max(largest, AssertClose(expected[i][0], managed.Evaluate(x.Rows[i], scratch), $"{name}: energy of row {i}"));
        }
        output.WriteLine($"{name} in {x.Rows[0].Length} dimensions: largest difference {largest:E2} (relative above 1)");
    }

    // Rows N(mean, spread²) drawn in float32, and the same values exactly as a float64 tensor.
    private static (float[][] Rows, Tensor Exact) RowsOnDataSide(int dimension, Generator generator, double mean, double spread)
    {
        var single = (randn(Rows, dimension, generator: generator) * spread + mean).contiguous();
        var values = single.data<float>().ToArray();
        var rows = Enumerable.Range(0, Rows).Select(i => values.AsSpan(i * dimension, dimension).ToArray()).ToArray();
        return (rows, single.to(ScalarType.Float64));
    }

    private static double[][] Doubles(Tensor t)
    {
        var values = t.detach().to(ScalarType.Float64).contiguous().data<double>().ToArray();
        int columns = (int)t.shape[1];
        return Enumerable.Range(0, (int)t.shape[0]).Select(i => values.AsSpan(i * columns, columns).ToArray()).ToArray();
    }

    // Returns the difference relative above 1, after checking it against the tolerance.
    private static double AssertClose(double expected, double actual, string what)
    {
        double difference = Math.Abs(expected - actual) / Math.Max(1, Math.Abs(expected));
        Assert.True(difference <= Tolerance, $"{what}: TorchSharp float64 {expected:R}, managed {actual:R} (relative difference {difference:E2})");
        return difference;
    }

    private static Generator Seeded(int seed)
    {
        TorchRuntime.EnsureLoaded();
        return new Generator((ulong)seed);
    }
}
