using Microsoft.ML;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>Issue 15, item 1: disposing a model while other threads score on it.</summary>
public sealed class DisposeDuringScoringTests(ITestOutputHelper output)
{
    [Fact]
    public void A_call_in_flight_keeps_the_modules_alive_and_later_calls_get_ObjectDisposedException()
    {
        using var transformer = ReliabilityModels.Train(new MLContext(seed: 1));
        var model = transformer.Model;
        var row = new float[model.FeatureCount];
        var lease = model.Enter();
        model.Dispose();
        Assert.False(model.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => model.Score(row, new float[1], new float[1]));
        Assert.Throws<ObjectDisposedException>(() => model.Sample(4, 1));
        Assert.Throws<ObjectDisposedException>(() => transformer.GenerateSamples(4));
        Assert.Throws<ObjectDisposedException>(() => transformer.Save(new MemoryStream()));
        lease.Dispose();
        Assert.True(model.IsReleased);
    }

    [Fact]
    public void Disposing_during_scoring_from_four_threads_never_crashes_nor_throws_another_exception()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gcl-dispose-race-{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, ReliabilityModels.SavedBytes());
        try
        {
            int races = int.TryParse(Environment.GetEnvironmentVariable("GCL_DISPOSE_RACES"), out int n) ? n : 20;
            var (exitCode, text) = ChildProcess.Run(TimeSpan.FromMinutes(5), DisposeRace.CaseName, path, races.ToString(System.Globalization.CultureInfo.InvariantCulture));
            output.WriteLine(text);
            Assert.True(exitCode == 0, $"The child process exited with {exitCode}:\n{text}");
            Assert.Contains("crashes 0", text);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
