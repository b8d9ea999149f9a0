using System.Diagnostics;
using Gcl.MLNet.Flows;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks;

/// <summary>Rows per second of the flow's exact log q and of one-pass sampling with log q (default options).</summary>
internal static class FlowThroughput
{
    public static void Run(int dimension, int batch, int repeats)
    {
        Console.WriteLine($"## Flow throughput, d = {dimension}, batch {batch}, {get_num_threads()} torch threads");
        Console.WriteLine("| flow | LogProb rows/s | SampleWithLogProb rows/s |");
        Console.WriteLine("|---|---|---|");
        foreach (var kind in new[] { FlowLayerKind.AffineCoupling, FlowLayerKind.RationalQuadraticSpline })
        {
            var options = new FlowOptions(kind);
            using var flow = NormalizingFlow.Create(dimension, options, seed: 1);
            using var generator = new Generator(2);
            using (var scope = NewDisposeScope()) flow.InitializeFromData(randn(batch, dimension, generator: generator));
            double logProb = Measure(() => flow.LogProb(randn(batch, dimension, generator: generator)), batch, repeats);
            double sample = Measure(() => flow.SampleWithLogProb(batch, generator).LogProb, batch, repeats);
            Console.WriteLine($"| {kind} {options.Blocks}x{options.HiddenWidth} | {logProb:N0} | {sample:N0} |");
        }
    }

    private static double Measure(Func<Tensor> work, int batch, int repeats)
    {
        using var noGrad = no_grad();
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            work();
        }
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++)
        {
            using var scope = NewDisposeScope();
            work();
        }
        return (double)batch * repeats / clock.Elapsed.TotalSeconds;
    }
}
