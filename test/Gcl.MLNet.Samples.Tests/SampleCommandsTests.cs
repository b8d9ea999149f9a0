using Xunit;

namespace Gcl.MLNet.Samples.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class SampleCommandsTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("density", "--help")]
    [InlineData("anomaly", "--help")]
    [InlineData("export", "-h")]
    [InlineData("serve", "--help")]
    public void Help_exits_with_0(params string[] args) => Assert.Equal(0, SampleCommands.Run(args));

    [Theory]
    [InlineData("densty")]
    [InlineData("--quick", "--out")]
    [InlineData("density", "--fast")]
    [InlineData("density", "--out")]
    [InlineData("serve")]
    [InlineData("serve", "--model", "no-such-model.zip")]
    [InlineData("serve", "--model", "WBC", "--port", "70000")]
    [InlineData("serve", "--model", "WBC", "--port", "0")]
    public void Wrong_command_lines_exit_with_2(params string[] args) =>
        Assert.Equal(2, SampleCommands.Run(args.Select(a => a == "WBC" ? SampleData.Wbc : a).ToArray()));

    [Fact]
    public void Main_job_quick_run_passes_its_reload_and_onnx_checks_and_writes_its_outputs()
    {
        using var folder = new TemporaryFolder();

        Assert.Equal(0, SampleCommands.Run(["--quick", "--out", folder.Path]));

        Assert.True(File.Exists(folder.File("report.md")));
        Assert.True(File.Exists(folder.File("wdbc-energy-model.zip")));
        Assert.True(File.Exists(folder.File("wdbc-energy-model.onnx")));
    }
}
