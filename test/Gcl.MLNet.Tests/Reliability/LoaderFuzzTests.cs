using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// Issue 15, item 2: a seeded fuzz of the model loader, run in a child process (no crash can take the test host
/// down). 300 mutants here; set GCL_FUZZ_MUTANTS for more, GCL_FUZZ_FLIPS_ONLY=1 for single-bit flips only.
/// </summary>
public sealed class LoaderFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_mutant_is_rejected_with_InvalidDataException_or_scores_bit_identically()
    {
        int mutants = int.TryParse(Environment.GetEnvironmentVariable("GCL_FUZZ_MUTANTS"), out int n) ? n : 300;
        string flipsOnly = Environment.GetEnvironmentVariable("GCL_FUZZ_FLIPS_ONLY") == "1" ? "flips" : "mixed";
        string path = Path.Combine(Path.GetTempPath(), $"gcl-fuzz-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, ReliabilityModels.SavedBytes());
        try
        {
            var (exitCode, text) = ChildProcess.Run(TimeSpan.FromMinutes(30), LoaderFuzz.CaseName, path,
                mutants.ToString(CultureInfo.InvariantCulture), "15", flipsOnly);
            output.WriteLine(text);
            Assert.True(exitCode == 0, $"The fuzz child exited with {exitCode}:\n{text}");
            Assert.Contains($"mutants {mutants} ", text);
            Assert.Contains("changed 0, other exceptions 0", text);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
