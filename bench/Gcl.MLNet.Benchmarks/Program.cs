using Gcl.MLNet;
using Gcl.MLNet.Benchmarks;
using Gcl.MLNet.Native;

// Benchmarks and experiments; the usage text below lists the commands.
const string Usage = """
    Usage: dotnet run -c Release --project bench/Gcl.MLNet.Benchmarks -- <command>
      summary [--out FILE.md] [--threads 1|2] [--data DIR] [--memory-rows N] [--only SECTIONS]
                           every benchmark in one run, one markdown report (printed and written to FILE.md,
                           default benchmark-summary.md): machine limit, threads, scoring, explain, training, memory,
                           load, peers, quality, fit-time, tool (gcl score on 10M rows), targets; --threads fixes torch's threads (default: the measured winner)
      fit-time [--data DIR] [--largest ROWS] [--seeds N] [--sets a,b] [--out FILE.md]
                           Fit at the defaults (default threads) on every data set, synthetic sizes up to
                           --largest (default 1,000,000) and the concurrency check, as a markdown table
                           (default fit-time.md); the summary runs the same section
      fit-one FILE.csv SEED    one anomaly fit of the energy model, its seconds on stdout (the concurrency check's child)
      load-cost [--repeats N] [--out FILE.md]
                           load time and peak memory of the largest model files the options allow, each
                           loaded in fresh child processes (default 3, load-cost.md); the summary's load section
      load-one FILE.zip    one load, its seconds and peak memory on stdout (load-cost's child)
      density [data-dir]   held-out log-likelihood of the variants on the density sets
      anomaly [data-dir]   AUROC of the variants on the anomaly sets (unsupervised protocol)
      quality [--data DIR] [--sets a,b] [--seeds 0,1,2] [--variants a,b]
                           the quality issue's grid: AUROC or held-out log-likelihood (mean, median, worst row)
                           per development set, variant and seed
      flow                 rows/s of the flow's LogProb and SampleWithLogProb (d = 10, batch 4096)
      help                 this text
    data-dir defaults to ../shared/data. GCL_THREADS sets torch's intra-op threads for the other commands (default 2).
    """;
string command = args.Length > 0 ? args[0] : "density";
TorchRuntime.EnsureLoaded();
// The fit-time commands measure Fit as users get it, with the library's default threads.
if (command is not ("fit-time" or "fit-one"))
{
    TorchRuntime.SetThreads(int.Parse(Environment.GetEnvironmentVariable("GCL_THREADS") ?? "2", System.Globalization.CultureInfo.InvariantCulture));
}
string dataDirectory = args.Length > 1 ? args[1] : Path.Combine("..", "shared", "data");
switch (command)
{
    case "density":
        var variants = new List<(string, EnergyModelOptions)>
        {
            ("flow (ML only)", new EnergyModelOptions { AdversarialIterations = 0 }),
            ("tilted (defaults)", new EnergyModelOptions()),
            ("no gradient clipping", new EnergyModelOptions { GradientClip = 1e9 }),
            ("no energy penalty", new EnergyModelOptions { EnergyPenalty = 0 }),
            ("generator lr 5e-4 (ratio 6)", new EnergyModelOptions { GeneratorLearningRate = 5e-4 }),
            ("energy lr 1e-3 (ratio 20)", new EnergyModelOptions { EnergyLearningRate = 1e-3 }),
        };
        foreach (var set in new[] { "wdbc", "vehicle_deq" })
        {
            DensityExperiment.Run(set, Path.Combine(dataDirectory, $"density_{set}_train.csv"),
                Path.Combine(dataDirectory, $"density_{set}_test.csv"), variants, seed: 1);
        }
        break;
    case "anomaly":
        var anomalyVariants = new List<(string, EnergyModelOptions)>
        {
            ("flow affine 4x32", new EnergyModelOptions { AdversarialIterations = 0, FlowBlocks = 4, FlowHiddenWidth = 32 }),
            ("tilted affine 4x32", new EnergyModelOptions { FlowBlocks = 4, FlowHiddenWidth = 32, EnergyHiddenSizes = new[] { 32, 32 } }),
            ("flow affine 4x64", new EnergyModelOptions { AdversarialIterations = 0, FlowBlocks = 4, FlowHiddenWidth = 64 }),
            ("tilted affine 4x64", new EnergyModelOptions { FlowBlocks = 4, FlowHiddenWidth = 64, EnergyHiddenSizes = new[] { 64, 64 } }),
        };
        foreach (var set in new[] { "wbc", "wine" })
        {
            AnomalyExperiment.Run(set, Path.Combine(dataDirectory, $"{set}.csv"), anomalyVariants, seed: 1);
        }
        break;
    case "quality":
        return QualityGrid.Run(args[1..]);
    case "flow":
        FlowThroughput.Run(dimension: 10, batch: 4096, repeats: 50);
        break;
    case "fit-time":
        return Gcl.MLNet.Benchmarks.Summary.FitTimeCommand.Run(args[1..]);
    case "fit-one":
        var (oneFeatures, oneLabels) = CsvTable.Load(args[1]).Split("label");
        var one = Gcl.MLNet.Benchmarks.Summary.FitTimeSection.Anomaly(new Microsoft.ML.MLContext(seed: 1), Path.GetFileName(args[1]), oneFeatures, oneLabels,
            int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), energyModel: true);
        Console.WriteLine(one.WallSeconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        break;
    case "load-cost":
        return Gcl.MLNet.Benchmarks.Summary.LoadCostCommand.Run(args[1..]);
    case "load-one":
        return Gcl.MLNet.Benchmarks.Summary.LoadCostSection.LoadOne(args[1]);
    case "summary":
        return Gcl.MLNet.Benchmarks.Summary.SummaryCommand.Run(args[1..]);
    case "help" or "--help" or "-h":
        Console.WriteLine(Usage);
        break;
    default:
        Console.Error.WriteLine($"Unknown command '{command}'.");
        Console.Error.WriteLine(Usage);
        return 2;
}
return 0;
