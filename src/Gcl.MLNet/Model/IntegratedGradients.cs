using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Model;

/// <summary>
/// Per-feature contributions to a row's Score, in nats: integrated gradients (Sundararajan et al. 2017) of the
/// energy along the straight line from the reference, the training mean (the standardized origin u = 0), to the
/// row's clamped standardized point v = clamp(u, ±<see cref="InputRange.Bound"/>), plus each feature's share of the
/// input-range penalty (<see cref="InputRange"/>), which depends on that feature alone and so is its exact
/// contribution: contribution_j = v_j · ∫₀¹ ∂E(t·v)/∂v_j dt + penalty_j. Integrated gradients do not depend on how
/// each feature is scaled, so these are also the contributions of the raw features. The integral uses
/// <see cref="Nodes"/>-point Gauss–Legendre quadrature of a smooth integrand (the clamp is applied before the path,
/// so the path has no kink), on more panels for the rows where one panel misses completeness (the heavy tail taking
/// over from the flow far out bends the path's energy sharply): the contributions add up to Score(x) − Score(mean)
/// to within <see cref="AbsoluteTolerance"/> + <see cref="RelativeTolerance"/> |Score(x) − Score(mean)| and float32 error.
/// For a model with a kernel term, a training row's own center stays out of the whole path (its score leaves it out),
/// and of the reference's energy too: the contributions then add up to Score(x) − Score(mean) less that one center's
/// kernel at the mean, negligible unless the row lies within a few bandwidths of the mean.
/// </summary>
internal static class IntegratedGradients
{
    /// <summary>Quadrature nodes per panel: one energy gradient each.</summary>
    public const int Nodes = 16;

    /// <summary>Most panels a row's path is split into when one panel misses completeness (a sharp bend, such as the tail taking over from the flow).</summary>
    public const int MaxPanels = 256;

    /// <summary>Completeness tolerance, absolute nats and relative to |E(v) − E(0)|.</summary>
    public const double AbsoluteTolerance = 5e-4, RelativeTolerance = 5e-5;

    private static readonly (double Node, double Weight)[] Rule = GaussLegendre(Nodes);

    /// <summary>Writes the contributions of <paramref name="rows"/> (row-major, finite) to <paramref name="contributions"/>, float64 inside.</summary>
    public static void Explain(Standardizer standardizer, EnergyFunction energy, ScalarType dtype, ReadOnlySpan<float> rows, Span<float> contributions)
    {
        int d = standardizer.Dimension;
        int count = rows.Length / d;
        using var scope = NewDisposeScope();
        var v = standardizer.Apply(tensor(rows.ToArray(), new long[] { count, d }).to(dtype)).Clamped(-InputRange.Bound, InputRange.Bound).detach();
        double[] rise;
        using (no_grad())
        {
            var ends = energy.ForwardOnPathsTo(cat([v, zeros(count, d, dtype: dtype)], 0), cat([v, v], 0)).to(ScalarType.Float64).data<double>().ToArray();
            rise = Enumerable.Range(0, count).Select(i => ends[i] - ends[count + i]).ToArray();
        }
        var values = new double[count * d];
        var pending = Enumerable.Range(0, count).ToArray();
        // Gauss–Legendre on one panel first; rows whose contributions miss E(v) − E(0) are redone on 4, 16, ... panels.
        for (int panels = 1; pending.Length > 0; panels *= 4)
        {
            var subset = v.index_select(0, tensor(pending.Select(i => (long)i).ToArray()));
            var integrated = Integrate(energy, subset, panels, dtype);
            var next = new List<int>();
            for (int k = 0; k < pending.Length; k++)
            {
                int row = pending[k];
                double sum = 0;
                for (int j = 0; j < d; j++) sum += values[row * d + j] = integrated[k * d + j];
                if (Math.Abs(sum - rise[row]) > AbsoluteTolerance + RelativeTolerance * Math.Abs(rise[row]) && panels < MaxPanels) next.Add(row);
            }
            pending = [.. next];
        }
        var mean = standardizer.Mean;
        var scale = standardizer.Scale;
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % d;
            double distance = Math.Abs(rows[i] - mean[j]) / scale[j];
            double penalty = distance > InputRange.Bound ? Math.Log(distance) - InputRange.LogBound : 0;
            contributions[i] = (float)(values[i] + penalty);
        }
    }

    // v_j · ∫₀¹ ∂E(t·v)/∂v_j dt for each row of v [m, d], by the rule on each of `panels` equal panels; row-major.
    private static double[] Integrate(EnergyFunction energy, Tensor v, int panels, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var grad = enable_grad(true);
        long m = v.shape[0], d = v.shape[1];
        int points = Nodes * panels;
        var t = Enumerable.Range(0, panels).SelectMany(p => Rule.Select(r => (p + r.Node) / panels)).ToArray();
        var w = Enumerable.Range(0, panels).SelectMany(_ => Rule.Select(r => r.Weight / panels)).ToArray();
        var nodes = tensor(t, new long[] { points, 1, 1 }).to(dtype);
        var weights = tensor(w, new long[] { points, 1, 1 });
        var path = nodes.mul(v.unsqueeze(0)).reshape(points * m, d).detach().requires_grad_(true);
        var e = energy.ForwardOnPathsTo(path, v.repeat(points, 1)).sum();
        var gradient = autograd.grad([e], [path], null, false, false, false)[0].to(ScalarType.Float64).reshape(points, m, d);
        return gradient.mul(weights).sum(dim: 0L, keepdim: false).mul(v.to(ScalarType.Float64)).data<double>().ToArray();
    }

    // Nodes and weights of the n-point Gauss–Legendre rule on [0, 1] (Newton's method on the Legendre polynomial).
    private static (double, double)[] GaussLegendre(int n)
    {
        var rule = new (double, double)[n];
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative;
            for (int iteration = 0; ; iteration++)
            {
                double previous = 1, current = x;
                for (int k = 2; k <= n; k++)
                {
                    double next = ((2 * k - 1) * x * current - (k - 1) * previous) / k;
                    previous = current;
                    current = next;
                }
                derivative = n * (x * current - previous) / (x * x - 1);
                double step = current / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-15 || iteration == 100) break;
            }
            rule[i] = ((1 - x) / 2, 1 / ((1 - x * x) * derivative * derivative));
        }
        return rule;
    }
}
