using Gcl.MLNet.MLNet;
using Gcl.MLNet.Samples;

// Gcl.MLNet samples. Usage: dotnet run --project src/Gcl.MLNet.Samples [-- --quick] [--out DIR]
//   (no arguments)  the main job: anomaly detection and density estimation on bundled real data
//   --quick         a much smaller training budget (used by CI)
//   --out DIR       where outputs go (default: gcl-mlnet-output)
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("Usage: dotnet run --project src/Gcl.MLNet.Samples [-- [--quick] [--out DIR]]");
    return 0;
}
int outIndex = Array.IndexOf(args, "--out");
if (outIndex >= 0 && outIndex + 1 >= args.Length)
{
    Console.Error.WriteLine("--out needs a folder. Usage: dotnet run --project src/Gcl.MLNet.Samples [-- [--quick] [--out DIR]]");
    return 2;
}
string output = outIndex >= 0 ? args[outIndex + 1] : "gcl-mlnet-output";
var options = new EnergyModelOptions { Seed = 1, Progress = new ConsoleProgress() };
if (args.Contains("--quick"))
{
    options = new EnergyModelOptions
    {
        Seed = 1,
        Progress = new ConsoleProgress(),
        FlowBlocks = 2,
        FlowHiddenWidth = 16,
        EnergyHiddenSizes = new[] { 16 },
        WarmStartEpochs = 10,
        AdversarialIterations = 100,
        PartitionSamples = 5000,
    };
}
return MainJob.Run(output, options);
