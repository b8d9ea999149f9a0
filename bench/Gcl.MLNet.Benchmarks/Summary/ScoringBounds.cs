using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Microsoft.ML;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// What bounds each scoring path, measured piece by piece with a stopwatch (no profiler on the machine). Single
/// row: native calls per forward pass (tensors a dispose scope collects), the cost of one trivial native call, and
/// the inverse weights the invertible linear maps solve for on every call. Batch 4096: the linear layers alone at
/// their shapes. Transform: <c>EnergyModel.Score</c> at the transformer's 1,024-row blocks, and the input read alone.
/// </summary>
internal static class ScoringBounds
{
    /// <summary>The pieces, rows/s unless named otherwise.</summary>
    public sealed record Result(
        int Features, double SingleRowScoreMicroseconds, int TensorsPerForward, double TrivialCallMicroseconds, double InverseWeightMicroseconds,
        double LinearLayersOnly, double LinearLayersGigaflops, double Block1024, double InputOnly);

    /// <summary>Measures the pieces for <paramref name="model"/> on rows from <paramref name="pool"/>.</summary>
    public static Result Measure(MLContext mlContext, EnergyModelTransformer model, float[][] pool)
    {
        int d = model.Model.FeatureCount;
        var one = pool[0];
        var energy = new float[1];
        var logDensity = new float[1];
        double single = Rate.PerSecond(() =>
        {
            model.Model.Score(one, energy, logDensity);
            return 1;
        });
        var (linearRows, linearGigaflops) = LinearLayersOnly.Rate(NetworkFlops.LinearShapes(model.Model.Energy).ToArray(), ScoringSpeed.Batch);
        return new Result(d, 1e6 / single, TensorsPerForward(model, one), TrivialCallMicroseconds(d), InverseWeightMicroseconds(model), linearRows, linearGigaflops,
            ScoringSpeed.Batched(model, SyntheticRows.Flat(pool[..1024])), ScoringSpeed.InputOnly(mlContext, pool));
    }

    // Every native op returns a new tensor that the open scope collects: the count is the op count of one forward.
    private static int TensorsPerForward(EnergyModelTransformer model, float[] row)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(row, [1, row.Length]);
        int before = scope.DisposablesCount;
        model.Model.Energy.forward(model.Model.Standardizer.Apply(x));
        return scope.DisposablesCount - before;
    }

    // One native call that makes a [1, d] tensor from two (an add), its disposal included.
    private static double TrivialCallMicroseconds(int d)
    {
        using var x = ones(1, d);
        using var y = ones(1, d);
        double calls = Rate.PerSecond(() =>
        {
            using var scope = NewDisposeScope();
            for (int i = 0; i < 100; i++) x.add(y);
            return 100;
        });
        return 1e6 / calls;
    }

    // W⁻¹ of every invertible linear map in the energy's reference flow: two d x d triangular solves each, once per call.
    private static double InverseWeightMicroseconds(EnergyModelTransformer model)
    {
        if (model.Model.Energy is not TiltedFlowEnergy tilted) return 0;
        var maps = tilted.Reference.Layers.OfType<InvertibleLinear>().ToArray();
        using var noGrad = no_grad();
        double calls = Rate.PerSecond(() =>
        {
            using var scope = NewDisposeScope();
            foreach (var map in maps) map.InverseWeight();
            return 1;
        });
        return 1e6 / calls;
    }
}
