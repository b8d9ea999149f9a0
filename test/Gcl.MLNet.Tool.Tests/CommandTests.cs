using System.Globalization;
using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace Gcl.MLNet.Tool.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class CommandTests(TrainedModel model)
{
    [Fact]
    public void Train_with_a_label_prints_the_auc_next_to_randomized_pca_and_saves_the_model()
    {
        Assert.True(File.Exists(model.ModelPath));
        Assert.Contains("378 rows, 30 features", model.TrainOutput);
        var line = model.TrainOutput.Split('\n').Single(l => l.StartsWith("AUC", StringComparison.Ordinal));
        Assert.Contains("RandomizedPca (rank 1)", line);
        double auc = double.Parse(line.Split("energy model ")[1].Split(',')[0], CultureInfo.InvariantCulture);
        Assert.True(auc > 0.7, line); // measured 0.881 with the tiny options
    }

    [Fact]
    public void Score_with_either_engine_writes_every_row_with_the_same_scores()
    {
        using var folder = new TemporaryFolder();

        GclRun.Ok("score", "--model", model.ModelPath, "--data", GclRun.Wbc, "--out", folder.File("library.csv"));
        GclRun.Ok("score", "--model", model.ModelPath, "--data", GclRun.Wbc, "--out", folder.File("onnx.csv"), "--engine", "onnx");

        var library = Rows(folder.File("library.csv"));
        var onnx = Rows(folder.File("onnx.csv"));
        Assert.Equal("label,energy,log_density,score,predicted_label", File.ReadLines(folder.File("library.csv")).First());
        Assert.Equal(378, library.Length);
        Assert.Equal(library.Length, onnx.Length);
        for (int i = 0; i < library.Length; i++)
        {
            Assert.Equal(library[i][0], onnx[i][0]);
            for (int c = 1; c <= 3; c++) Assert.True(Math.Abs(library[i][c] - onnx[i][c]) <= 1e-4 * Math.Max(1, Math.Abs(library[i][c])), $"row {i} column {c}");
            Assert.Equal(-library[i][2], library[i][3], 5);
        }
        // The threshold is the 95% quantile of training scores, so about 5% of the (training) rows are flagged.
        Assert.InRange(library.Count(r => r[4] == 1), 10, 30);
    }

    [Fact]
    public void A_csv_as_pandas_writes_it_trains_and_scores_with_the_right_flags()
    {
        using var folder = new TemporaryFolder();
        string pandas = PandasCsv(folder.File("pandas.csv"));
        string modelPath = folder.File("pandas.zip");

        // The id column is text and one cell is empty: without the flags the run says which column and line are at fault.
        var text = GclRun.Of(["train", "--data", pandas, "--out", modelPath, .. GclRun.Tiny]);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("column 'id' holds 'p-0001', not a number", text.Error);
        var empty = GclRun.Of(["train", "--data", pandas, "--ignore", "id", "--label", "label", "--out", modelPath, .. GclRun.Tiny]);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("line 4: column 'mean_texture' is empty", empty.Error);

        var trained = GclRun.Ok(["train", "--data", pandas, "--ignore", "id", "--label", "label", "--invalid-rows", "skip", "--out", modelPath, .. GclRun.Tiny]);
        Assert.Contains("377 rows, 30 features; skipped 1 rows", trained.Output);
        Assert.Contains("AUC", trained.Output);

        string scored = folder.File("scored.csv");
        GclRun.Ok("score", "--model", modelPath, "--data", pandas, "--invalid-rows", "skip", "--out", scored);
        var lines = File.ReadAllLines(scored);
        Assert.Equal("id,label,energy,log_density,score,predicted_label", lines[0]);
        Assert.Equal(378, lines.Length); // header + 377 rows; the row with the empty cell is left out
        Assert.StartsWith("p-0001,", lines[1]);
        Assert.DoesNotContain(lines, l => l.StartsWith("p-0003,", StringComparison.Ordinal));
    }

    [Fact]
    public void Explain_adds_one_contribution_column_per_feature_that_adds_up_to_the_score_difference()
    {
        using var folder = new TemporaryFolder();

        GclRun.Ok("score", "--model", model.ModelPath, "--data", GclRun.Wbc, "--out", folder.File("explained.csv"), "--explain");
        var onnx = GclRun.Of("score", "--model", model.ModelPath, "--data", GclRun.Wbc, "--out", folder.File("onnx.csv"), "--engine", "onnx", "--explain");

        var header = File.ReadLines(folder.File("explained.csv")).First().Split(',');
        Assert.Equal(["label", "energy", "log_density", "score", "predicted_label", "contribution_mean_radius"], header[..6]);
        Assert.Equal(5 + 30, header.Length);
        var rows = Rows(folder.File("explained.csv"));
        // Contributions add up to Score minus the Score of the training mean, the same constant for every row.
        var offsets = rows.Select(r => r[3] - r[5..].Sum()).ToArray();
        Assert.True(offsets.Max() - offsets.Min() <= 1e-2 * Math.Max(1, rows.Max(r => Math.Abs(r[3]))), $"offsets {offsets.Min()} .. {offsets.Max()}");
        Assert.NotEqual(0, onnx.ExitCode);
        Assert.Contains("--explain needs the library engine", onnx.Error + onnx.Output);
    }

    [Fact]
    public void A_semicolon_separated_file_needs_the_separator_option()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("semicolons.csv");
        File.WriteAllLines(path, File.ReadLines(GclRun.Wbc).Select(l => l.Replace(',', ';')));
        string scored = folder.File("scored.csv");

        Assert.Equal(1, GclRun.Of("score", "--model", model.ModelPath, "--data", path, "--out", scored).ExitCode);
        GclRun.Ok("score", "--model", model.ModelPath, "--data", path, "--separator", ";", "--out", scored);

        Assert.Equal("label;energy;log_density;score;predicted_label", File.ReadLines(scored).First());
    }

    [Fact]
    public void Sample_writes_the_requested_rows_under_the_feature_names()
    {
        using var folder = new TemporaryFolder();

        GclRun.Ok("sample", "--model", model.ModelPath, "--count", "25", "--out", folder.File("samples.csv"));

        var lines = File.ReadAllLines(folder.File("samples.csv"));
        Assert.Equal(26, lines.Length);
        Assert.StartsWith("mean_radius,mean_texture,", lines[0]);
        Assert.EndsWith(",worst_fractal_dimension,energy,log_density", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.Equal(32, l.Split(',').Length));
    }

    [Fact]
    public void Sample_draws_from_the_energy_model_unless_the_generator_is_asked_for()
    {
        using var folder = new TemporaryFolder();

        GclRun.Ok("sample", "--model", model.ModelPath, "--count", "10", "--out", folder.File("model.csv"));
        GclRun.Ok("sample", "--model", model.ModelPath, "--count", "10", "--source", "EnergyModel", "--out", folder.File("explicit.csv"));
        GclRun.Ok("sample", "--model", model.ModelPath, "--count", "10", "--source", "Generator", "--out", folder.File("generator.csv"));

        Assert.Equal(File.ReadAllLines(folder.File("model.csv")), File.ReadAllLines(folder.File("explicit.csv")));
        Assert.NotEqual(File.ReadAllLines(folder.File("model.csv"))[1], File.ReadAllLines(folder.File("generator.csv"))[1]);
    }

    [Fact]
    public void Export_writes_scoring_and_sampling_models_that_onnx_runtime_loads()
    {
        using var folder = new TemporaryFolder();

        var run = GclRun.Ok("export", "--model", model.ModelPath, "--out", folder.Path);

        Assert.Contains("input  Features: Single [N, 30]", run.Output);
        using var scoring = new InferenceSession(folder.File("scoring.onnx"));
        using var sampling = new InferenceSession(folder.File("sampling.onnx"));
        Assert.Equal("Noise", sampling.InputMetadata.Keys.Single());
        Assert.Equal("scoring", scoring.ModelMetadata.CustomMetadataMap["model_kind"]);
    }

    [Fact]
    public void Info_prints_the_options_log_z_threshold_features_and_integrity()
    {
        var run = GclRun.Ok("info", "--model", model.ModelPath);

        Assert.Contains("flowBlocks: 2", run.Output);
        Assert.Contains("logZ: ", run.Output);
        Assert.Contains("paretoK: ", run.Output);
        Assert.Contains("isReliable: ", run.Output);
        Assert.Contains("scoreThreshold: ", run.Output);
        Assert.Contains("features: mean_radius, mean_texture", run.Output);
        Assert.Contains("integrity: ok (3 entries", run.Output);
        Assert.Contains("loads: ok", run.Output);
    }

    [Fact]
    public void Info_fails_with_1_on_a_model_file_whose_entry_was_changed()
    {
        using var folder = new TemporaryFolder();
        string tampered = folder.File("tampered.zip");
        File.Copy(model.ModelPath, tampered);
        using (var archive = System.IO.Compression.ZipFile.Open(tampered, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = archive.GetEntry("model.onnx")!;
            entry.Delete();
            using var writer = new StreamWriter(archive.CreateEntry("model.onnx").Open());
            writer.Write("not the model");
        }

        var run = GclRun.Of("info", "--model", tampered);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("model.onnx does not match its SHA-256", run.Error);
        Assert.Single(run.Error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("train", "--data", "WBC")]
    [InlineData("train", "--data", "no-such-file.csv", "--out", "OUT")]
    [InlineData("train", "--data", "WBC", "--out", "OUT", "--label", "no_such_column")]
    [InlineData("train", "--data", "WBC", "--out", "OUT", "--features", "mean_radius", "--ignore", "label")]
    [InlineData("train", "--data", "WBC", "--out", "OUT", "--flow-layer", "Spline9")]
    [InlineData("train", "--data", "WBC", "--out", "OUT", "--batch-size", "1")]
    [InlineData("train", "--data", "WBC", "--out", "OUT", "--energy-hidden-sizes", "16,x")]
    [InlineData("train", "--data", "WBC", "--out", "OUT", "--separator", "ab")]
    [InlineData("score", "--model", "MODEL", "--data", "WBC", "--out", "OUT", "--engine", "gpu")]
    [InlineData("sample", "--model", "MODEL", "--count", "0", "--out", "OUT")]
    [InlineData("serve", "--model", "MODEL", "--port", "70000")]
    [InlineData("serve", "--model", "MODEL", "--port", "5080", "--urls", "http://127.0.0.1:5081")]
    [InlineData("info")]
    public void Wrong_command_lines_exit_with_2_and_one_line(params string[] args)
    {
        using var folder = new TemporaryFolder();
        var resolved = args.Select(a => a switch
        {
            "WBC" => GclRun.Wbc,
            "MODEL" => model.ModelPath,
            "OUT" => folder.File("out"),
            _ => a,
        }).ToArray();

        var run = GclRun.Of(resolved);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("gcl: ", run.Error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("train", "--help")]
    [InlineData("score", "--help")]
    [InlineData("serve", "-h")]
    public void Help_exits_with_0(params string[] args)
    {
        var run = GclRun.Of(args);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
    }

    [Fact]
    public void Every_energy_model_option_has_a_train_option()
    {
        string help = GclRun.Of("train", "--help").Output;
        var settings = typeof(EnergyModelOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not (nameof(EnergyModelOptions.Progress) or nameof(EnergyModelOptions.CancellationToken)));   // per-call hooks, not settings

        foreach (var setting in settings)
        {
            string option = "--" + string.Concat(setting.Name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
            Assert.True(help.Contains(option + " ", StringComparison.Ordinal), $"{setting.Name}: no {option} in gcl train --help");
        }
    }

    [Fact]
    public void Train_options_reach_the_saved_model()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("m.zip");

        GclRun.Ok(["train", "--data", GclRun.Wbc, "--ignore", "label", "--out", path, .. GclRun.Tiny, "--contamination", "0.2", "--flow-layer", "RationalQuadraticSpline", "--batch-size", "64"]);

        string info = GclRun.Ok("info", "--model", path).Output;
        Assert.Contains("contamination: 0.2", info);
        Assert.Contains("flowLayer: RationalQuadraticSpline", info);
        Assert.Contains("batchSize: 64", info);
    }

    private static double[][] Rows(string path) => File.ReadLines(path).Skip(1)
        .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    /// <summary>wbc.csv as pandas' to_csv(quoting=QUOTE_NONNUMERIC) writes it: quoted header, a text id column first, one empty cell.</summary>
    private static string PandasCsv(string path)
    {
        var lines = File.ReadAllLines(GclRun.Wbc);
        var header = lines[0].Split(',').Select(h => $"\"{h}\"").Prepend("\"id\"");
        var rows = lines.Skip(1).Select((l, i) =>
        {
            var cells = l.Split(',');
            if (i == 2) cells[1] = string.Empty; // line 4 of the file: a missing mean_texture
            return string.Join(',', cells.Prepend($"\"p-{i + 1:D4}\""));
        });
        File.WriteAllLines(path, rows.Prepend(string.Join(',', header)));
        return path;
    }
}
