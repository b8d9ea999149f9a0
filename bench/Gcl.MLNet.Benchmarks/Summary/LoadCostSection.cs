using System.Diagnostics;
using System.Globalization;
using Gcl.MLNet.Training;
using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The cost of loading the largest model files the options allow (README "Model files": within 1 s and 500 MB).
/// For each network shape, the most features that stay within <see cref="ModelSizeBounds.MaxWeightBytes"/>; the
/// model is fitted for one step (loading cost depends on the sizes, not on training), saved, and loaded in fresh
/// child processes (<c>load-one FILE</c>), each reporting the seconds of <c>EnergyModelTransformer.Load</c>, its
/// peak resident memory (managed and native) and the seconds of a second load in the same, warm process.
/// </summary>
internal static class LoadCostSection
{
    /// <summary>Measures each shape <paramref name="repeats"/> times and reports the worst.</summary>
    public static void Run(MarkdownReport report, int repeats)
    {
        report.Heading("Loading the largest models the options allow");
        string folder = Directory.CreateTempSubdirectory("gcl-load-cost").FullName;
        var rows = new List<string[]>();
        try
        {
            foreach (var (name, options) in Shapes())
            {
                int dimension = LargestDimension(options);
                string path = Path.Combine(folder, "model.zip");
                var mlContext = new MLContext(seed: 1);
                var data = SyntheticRows.Create(64, dimension, seed: 1);
                using (var model = mlContext.Transforms.EnergyModel("Features", options).Fit(StreamedRows.Load(mlContext, data, data.Length)))
                {
                    model.Save(path);
                }
                var (energy, generator) = ModelSizeBounds.WeightBytes(dimension, options.ToSettings(1).Flow, options.ToSettings(1).Energy);
                var loads = Enumerable.Range(0, repeats).Select(_ => LoadInChild(path)).ToList();
                rows.Add([name, $"{dimension:N0}", $"{(energy + generator) / 1048576.0:F1}", $"{new FileInfo(path).Length / 1048576.0:F1}",
                    $"{loads.Max(l => l.Seconds):F2}", $"{loads.Max(l => l.CpuSeconds):F2}", $"{loads.Max(l => l.WarmSeconds):F2}", $"{loads.Max(l => l.PeakMiB):F0}", $"{loads.Max(l => l.StartMiB):F0}"]);
                File.Delete(path);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        report.Table(["networks", "features (the most within the budget)", "weights, MiB", "file, MiB", "load in a fresh process, s (worst)",
            "its CPU time, s (worst)", "second load, s (worst)", "peak RSS, MiB (worst)", "RSS before the load, MiB"], rows);
        report.Line($"Worst of {repeats} child processes each. CPU time is the child's user and system time during the load, which other work on the " +
            "machine inflates less than the wall-clock seconds. Peak RSS is the child's VmHWM: runtime, libtorch and the loaded model together; " +
            $"the budget is {ModelSizeBounds.MaxWeightBytes >> 20} MiB of weights (ModelSizeBounds). Load average at the end {MachineDescription.LoadAverage()}.");
    }

    /// <summary>The child's side: loads <paramref name="path"/> and prints seconds, CPU seconds, peak RSS, RSS before, and a second load's seconds.</summary>
    public static int LoadOne(string path)
    {
        var mlContext = new MLContext(seed: 1);
        Native.TorchRuntime.EnsureLoaded();
        double start = ResidentMemory.CurrentMiB();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var model = EnergyModelTransformer.Load(mlContext, path);
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        double peak = ResidentMemory.PeakMiB();
        model.Dispose();
        clock.Restart();
        using (EnergyModelTransformer.Load(mlContext, path)) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seconds} {cpuSeconds} {peak} {start} {clock.Elapsed.TotalSeconds}"));
        return 0;
    }

    private static (double Seconds, double CpuSeconds, double PeakMiB, double StartMiB, double WarmSeconds) LoadInChild(string path)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(LoadCostSection).Assembly.Location);
        start.ArgumentList.Add("load-one");
        start.ArgumentList.Add(path);
        using var child = Process.Start(start)!;
        string line = child.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"load-one exited with {child.ExitCode}: {line}");
        var values = line.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (values[0], values[1], values[2], values[3], values[4]);
    }

    // The most features for which these options stay within the weight budget.
    private static int LargestDimension(EnergyModelOptions options)
    {
        int low = 1, high = 1 << 16;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (Fits(options, middle)) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    private static bool Fits(EnergyModelOptions options, int dimension)
    {
        var settings = options.ToSettings(1);
        return ModelSizeBounds.Excess(dimension, settings.Flow, settings.Energy) is null;
    }

    // Network shapes at the bounds, each trained for one warm-start step and no adversarial iteration.
    private static IEnumerable<(string Name, EnergyModelOptions Options)> Shapes()
    {
        static EnergyModelOptions Shape(FlowLayerKind flow, int blocks, int width, EnergyNetworkKind energy, int[] energyWidths) => new()
        {
            Seed = 1,
            WarmStartSteps = 1,
            AdversarialIterations = 0,
            PartitionSamples = 1000,
            BatchSize = 32,
            FlowLayer = flow,
            FlowBlocks = blocks,
            FlowHiddenWidth = width,
            EnergyNetwork = energy,
            EnergyHiddenSizes = energyWidths,
        };
        yield return ("defaults (tilted, affine 4 x 64, tilt 64, 64)", Shape(FlowLayerKind.AffineCoupling, 4, 64, EnergyNetworkKind.TiltedFlow, [64, 64]));
        yield return ("spline 4 x 64, tilt 64, 64", Shape(FlowLayerKind.RationalQuadraticSpline, 4, 64, EnergyNetworkKind.TiltedFlow, [64, 64]));
        yield return ("tilted, affine 1 x 64, tilt 64, 64", Shape(FlowLayerKind.AffineCoupling, 1, 64, EnergyNetworkKind.TiltedFlow, [64, 64]));
        yield return ("MLP energy 64, 64, affine 1 x 64", Shape(FlowLayerKind.AffineCoupling, 1, 64, EnergyNetworkKind.Mlp, [64, 64]));
        yield return ($"widest: tilted, affine 4 x {ModelSizeBounds.MaxWidth}, tilt {ModelSizeBounds.MaxWidth}, {ModelSizeBounds.MaxWidth}",
            Shape(FlowLayerKind.AffineCoupling, 4, ModelSizeBounds.MaxWidth, EnergyNetworkKind.TiltedFlow, [ModelSizeBounds.MaxWidth, ModelSizeBounds.MaxWidth]));
        yield return ($"deepest: tilted, affine {ModelSizeBounds.MaxFlowBlocks} x 64, tilt {ModelSizeBounds.MaxEnergyLayers} x 256",
            Shape(FlowLayerKind.AffineCoupling, ModelSizeBounds.MaxFlowBlocks, 64, EnergyNetworkKind.TiltedFlow, Enumerable.Repeat(256, ModelSizeBounds.MaxEnergyLayers).ToArray()));
    }
}
