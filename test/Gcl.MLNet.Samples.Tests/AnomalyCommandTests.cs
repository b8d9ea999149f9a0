using System.Globalization;
using Xunit;

namespace Gcl.MLNet.Samples.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class AnomalyCommandTests
{
    [Fact]
    public void Quick_run_on_wbc_writes_the_scored_test_rows_that_rank_anomalies_high()
    {
        using var folder = new TemporaryFolder();

        Assert.Equal(0, SampleCommands.Run(["anomaly", "--data", SampleData.Wbc, "--label", "label", "--quick", "--out", folder.Path]));

        var lines = File.ReadAllLines(folder.File("scored-rows.csv"));
        Assert.Equal("row,label,energy,log_density,score,predicted_label,pca_score", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.InRange(rows.Length, 80, 150); // 30% of 378 rows
        Assert.Equal(rows.Length, rows.Select(r => r[0]).Distinct().Count());
        Assert.All(rows, r => Assert.Equal(-r[3], r[4], 5));
        Assert.All(rows, r => Assert.Contains(r[1], new[] { 0.0, 1.0 }));
        // The energy model measured 0.895 here (RandomizedPca 0.339); 0.7 leaves room for other machines' rounding.
        Assert.True(Auc(rows.Select(r => (r[1] == 1, r[4])).ToArray()) > 0.7);
    }

    [Theory]
    [InlineData("--label", "label")]
    [InlineData("--data", "no-such-file.csv", "--label", "label")]
    [InlineData("--data", "WBC", "--label", "no_such_column")]
    [InlineData("--data", "WBC", "--label", "label", "--epochs", "3")]
    [InlineData("--data", "WBC", "--label")]
    public void Wrong_command_lines_exit_with_2(params string[] args)
    {
        Assert.Equal(2, SampleCommands.Run(["anomaly", .. args.Select(a => a == "WBC" ? SampleData.Wbc : a)]));
    }

    [Theory]
    [InlineData("a,b,label\n1,2,0\n1,x,1\n", "line 3: column 'b' holds 'x'")]
    [InlineData("a,b,label\n1,2,0\n1,2,maybe\n", "line 3: label 'maybe' in column 'label' is not 0, 1, true or false")]
    [InlineData("a,b,label\n1,2,0\n1,2\n", "line 3: 2 fields where the header has 3")]
    [InlineData("a,b,label\n1,2,0\n3,4,false\n", "needs both normal rows (0) and anomalies (1)")]
    [InlineData("a,label\n1,0\n2,1\n", "needs at least two feature columns")]
    [InlineData("", "is empty")]
    public void Bad_csv_files_are_refused_with_the_line_and_column_at_fault(string content, string message)
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("data.csv");
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidDataException>(() => LabelledCsv.Read(path, "label"));

        Assert.Contains(message, error.Message);
        Assert.Equal(2, SampleCommands.Run(["anomaly", "--data", path, "--label", "label", "--quick", "--out", folder.Path]));
    }

    [Fact]
    public void Labels_may_be_true_and_false()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("data.csv");
        File.WriteAllText(path, "a,label,b\n1.5,true,2\n-1,FALSE,3e2\n");

        var table = LabelledCsv.Read(path, "label");

        Assert.Equal(["a", "b"], table.FeatureNames);
        Assert.Equal([true, false], table.Labels);
        Assert.Equal([-1f, 300f], table.Features[1]);
    }

    private static double Auc((bool Anomaly, double Score)[] rows)
    {
        var anomalies = rows.Where(r => r.Anomaly).Select(r => r.Score).ToArray();
        var normal = rows.Where(r => !r.Anomaly).Select(r => r.Score).ToArray();
        return anomalies.Sum(a => normal.Sum(n => a > n ? 1 : a == n ? 0.5 : 0)) / (anomalies.Length * (double)normal.Length);
    }
}
