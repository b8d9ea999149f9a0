using System.Diagnostics;
using System.Text.Json;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The PyTorch reference of <c>../shared/torchref</c>, run in the same summary minutes apart from our own measure
/// (absolute rates move 2-3x between machines and days, so only a ratio taken in one run means anything). It needs
/// python3 with torch (Debian's python3-torch; the reference's README says how to give it OpenBLAS through
/// LD_LIBRARY_PATH, which the child inherits). Where it cannot run, the reason is reported instead of a ratio.
/// </summary>
internal static class TorchReference
{
    /// <summary>The reference's adversarial iterations/s and flow maximum-likelihood steps/s, one thread.</summary>
    public sealed record Rates(double AdversarialIterations, double WarmStartSteps);

    /// <summary>Runs the reference's throughput function; null rates with the reason when it cannot.</summary>
    public static (Rates? Rates, string Note) TryMeasure(string dataDirectory)
    {
        string directory = Path.GetFullPath(Path.Combine(dataDirectory, "..", "torchref"));
        if (!File.Exists(Path.Combine(directory, "bench.py"))) return (null, $"the PyTorch reference was not run: {directory}/bench.py is missing");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"import sys, json; sys.path.insert(0, {JsonSerializer.Serialize(directory)}); import bench; " +
            "print(json.dumps(bench.train_throughput(2, 300, 1, warmup=20, blas_threads=1)))");
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                return (null, "the PyTorch reference was not run: it did not finish in 10 minutes");
            }
            if (process.ExitCode != 0)
            {
                string why = errors.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? $"exit code {process.ExitCode}";
                return (null, $"the PyTorch reference could not run here ({why.Trim()}); install python3-torch as ../shared/torchref/README.md says to get the ratio");
            }
            using var json = JsonDocument.Parse(output.Result.Trim().Split('\n')[^1]);
            var root = json.RootElement;
            return (new Rates(root.GetProperty("gan_it_per_s").GetDouble(), root.GetProperty("mle_it_per_s").GetDouble()), "the PyTorch reference ran in this same summary");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "the PyTorch reference could not run here: there is no python3");
        }
    }
}
