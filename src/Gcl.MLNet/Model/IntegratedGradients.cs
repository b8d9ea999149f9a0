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
/// so the path has no kink); the contributions add up to Score(x) − Score(mean) (completeness) to within the
/// quadrature and float32 error.
/// </summary>
internal static class IntegratedGradients
{
    /// <summary>Quadrature nodes per row: one energy gradient each.</summary>
    public const int Nodes = 16;

    private static readonly (double Node, double Weight)[] Rule = GaussLegendre(Nodes);

    /// <summary>Writes the contributions of <paramref name="rows"/> (row-major, finite) to <paramref name="contributions"/>, float64 inside.</summary>
    public static void Explain(Standardizer standardizer, EnergyFunction energy, ScalarType dtype, ReadOnlySpan<float> rows, Span<float> contributions)
    {
        int d = standardizer.Dimension;
        int count = rows.Length / d;
        using var scope = NewDisposeScope();
        using var grad = enable_grad(true);
        var v = standardizer.Apply(tensor(rows.ToArray(), new long[] { count, d }).to(dtype)).Clamped(-InputRange.Bound, InputRange.Bound).detach();
        var nodes = tensor(Rule.Select(r => r.Node).ToArray(), new long[] { Nodes, 1, 1 }).to(dtype);
        var weights = tensor(Rule.Select(r => r.Weight).ToArray(), new long[] { Nodes, 1, 1 }).to(ScalarType.Float64);
        var path = nodes.mul(v.unsqueeze(0)).reshape(Nodes * count, d).detach().requires_grad_(true);
        var e = energy.forward(path).sum();
        var gradient = autograd.grad([e], [path], null, false, false, false)[0].to(ScalarType.Float64).reshape(Nodes, count, d);
        var integrated = gradient.mul(weights).sum(dim: 0L, keepdim: false).mul(v.to(ScalarType.Float64));
        var values = integrated.data<double>().ToArray();
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
