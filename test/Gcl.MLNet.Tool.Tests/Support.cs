using System.Runtime.CompilerServices;
using Xunit;

namespace Gcl.MLNet.Tool.Tests;

/// <summary>Process-wide settings: one torch thread per operation (xunit's parallel classes would oversubscribe 2 cores).</summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void OneTorchThread() => TorchSharp.torch.set_num_threads(1);
}

/// <summary>A fresh folder under the system's temporary folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("gcl-tool-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>One in-process run of <c>gcl</c>: exit code and what it printed.</summary>
internal sealed record GclRun(int ExitCode, string Output, string Error)
{
    /// <summary>The bundled Breast Cancer Wisconsin anomaly set: 30 numeric features, then a 0/1 <c>label</c>; 378 rows.</summary>
    public static string Wbc { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "Data", "wbc.csv");

    /// <summary>Training options small enough for a test (seconds on one core).</summary>
    public static readonly string[] Tiny = ["--flow-blocks", "2", "--flow-hidden-width", "16", "--energy-hidden-sizes", "16",
        "--warm-start-steps", "20", "--adversarial-iterations", "100", "--partition-samples", "5000", "--seed", "1"];

    public static GclRun Of(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = GclApp.Run(args, output, error);
        return new GclRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts exit code 0 and returns the run.</summary>
    public static GclRun Ok(params string[] args)
    {
        var run = Of(args);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}{run.Output}");
        return run;
    }
}

/// <summary>One tiny model trained by <c>gcl train</c> on wbc.csv, shared by the classes that need a model.</summary>
public sealed class TrainedModel : IDisposable
{
    private readonly TemporaryFolder folder = new();

    public TrainedModel()
    {
        TrainOutput = GclRun.Ok(["train", "--data", GclRun.Wbc, "--label", "label", "--out", ModelPath, .. GclRun.Tiny]).Output;
    }

    public string ModelPath => folder.File("model.zip");

    public string TrainOutput { get; }

    public void Dispose() => folder.Dispose();
}

/// <summary>
/// The classes that train or score with TorchSharp run one at a time (TorchSharp 0.107's Scalar finalizer makes
/// parallel training flaky; see the samples' tests) and share one <see cref="TrainedModel"/>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModel>
{
    public const string Name = "gcl: trained model, one class at a time";
}
