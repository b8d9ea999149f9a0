using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Microsoft.ML;
using Spectre.Console;

namespace Gcl.MLNet.Tool;

/// <summary>
/// <c>gcl score</c>: streams a CSV file through a model in blocks of <see cref="BatchRows"/> rows, so memory stays
/// flat whatever the file's size, and writes the pass-through columns with <c>energy</c>, <c>log_density</c>,
/// <c>score</c> and <c>predicted_label</c>, and with <c>--explain</c> one <c>contribution_NAME</c> column per feature
/// (its share of the score in nats, <see cref="EnergyModel.Explain"/>; about 16 gradient passes per row). The library
/// engine scores with TorchSharp; <c>--engine onnx</c> runs the model's scoring ONNX in ONNX Runtime (no TorchSharp
/// at all, so no explanations).
/// </summary>
internal static class ScoreCommand
{
    /// <summary>Rows scored per call.</summary>
    public const int BatchRows = 4096;

    /// <summary>The columns the command adds.</summary>
    public static readonly string[] ScoreColumns = ["energy", "log_density", "score", "predicted_label"];

    /// <summary>The scoring engines.</summary>
    public enum Engine
    {
        /// <summary>The library (TorchSharp).</summary>
        Library,

        /// <summary>ONNX Runtime on the exported scoring model.</summary>
        Onnx,
    }

    public static Command Create(ToolConsole io)
    {
        var csv = new CommonOptions.Csv();
        var model = CommonOptions.ExistingFile("--model", "a model file from gcl train (.zip); with --engine onnx also a scoring .onnx");
        var output = new Option<FileInfo>("--out") { Description = "the scored CSV to write", Required = true, HelpName = "FILE" };
        var engine = new Option<Engine>("--engine") { Description = "library (TorchSharp) or onnx (ONNX Runtime)", DefaultValueFactory = _ => Engine.Library, HelpName = "library|onnx" };
        var explain = new Option<bool>("--explain") { Description = "add each feature's contribution to the score (nats), one contribution_NAME column per feature; library engine only" };
        var command = new Command("score", "Score a CSV file of any size with a model, streaming.");
        command.Options.Add(model);
        csv.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(engine);
        command.Options.Add(explain);
        command.SetAction(r => Run(io, r.GetValue(model)!.FullName, r.GetValue(csv.Data)!.FullName, csv.SeparatorOf(r),
            CommonOptions.Csv.Names(r, csv.Features), CommonOptions.Csv.Names(r, csv.Ignore), r.GetValue(csv.InvalidRows),
            r.GetValue(output)!.FullName, r.GetValue(engine), r.GetValue(explain)));
        return command;
    }

    private static int Run(ToolConsole io, string modelPath, string dataPath, char separator, IReadOnlyList<string>? features,
        IReadOnlyList<string>? ignore, InvalidRowHandling invalidRows, string outputPath, Engine engine, bool explain)
    {
        if (explain && engine == Engine.Onnx) throw new UsageException("--explain needs the library engine: the ONNX model has no gradients.");
        using var scorer = BatchScorer.Open(modelPath, engine);
        var layout = CsvLayout.ForScoring(dataPath, separator, scorer.FeatureNames, scorer.FeatureCount, features, ignore);
        string? folder = Path.GetDirectoryName(outputPath);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);

        var clock = Stopwatch.StartNew();
        long rows = 0, skipped = 0;
        TrainingProgressBars.Columns(io.Console.Progress()).Start(context =>
        {
            var task = context.AddTask(Markup.Escape($"scoring {Path.GetFileName(dataPath)} ({engine.ToString().ToLowerInvariant()})"), maxValue: 1);
            using var reader = new CsvRowReader(layout, invalidRows);
            using var writer = new StreamWriter(outputPath, append: false, new System.Text.UTF8Encoding(false), 1 << 16);
            using var csv = new CsvWriter(writer, CsvLayout.Configuration(separator));
            foreach (int column in layout.PassThroughColumns) csv.WriteField(layout.Header[column]);
            foreach (string column in ScoreColumns) csv.WriteField(column);
            if (explain) foreach (string name in layout.FeatureNames) csv.WriteField("contribution_" + name);
            csv.NextRecord();

            int d = scorer.FeatureCount;
            var batch = new float[BatchRows * d];
            var passThrough = new string[BatchRows][];
            var contributions = explain ? new float[BatchRows * d] : [];
            int count = 0;
            void Flush()
            {
                if (count == 0) return;
                var scores = scorer.Score(batch, count);
                if (explain) scorer.Explain(batch, count, contributions);
                for (int i = 0; i < count; i++)
                {
                    foreach (string cell in passThrough[i]) csv.WriteField(cell);
                    csv.WriteField(Invariant(scores.Energy[i]));
                    csv.WriteField(Invariant(scores.LogDensity[i]));
                    csv.WriteField(Invariant(scores.Score[i]));
                    csv.WriteField(scores.PredictedLabel[i] ? "1" : "0");
                    for (int j = 0; explain && j < d; j++) csv.WriteField(Invariant(contributions[i * d + j]));
                    csv.NextRecord();
                }
                rows += count;
                count = 0;
                var (read, length) = reader.Position;
                task.MaxValue = Math.Max(1, length);
                task.Value = read;
            }
            while (reader.Next(batch.AsSpan(count * d, d), out _))
            {
                var cells = passThrough[count] ??= new string[layout.PassThroughColumns.Length];
                for (int c = 0; c < cells.Length; c++) cells[c] = reader.Cell(layout.PassThroughColumns[c]);
                if (++count == BatchRows) Flush();
            }
            Flush();
            skipped = reader.SkippedRows;
            task.Value = task.MaxValue;
        });
        double seconds = clock.Elapsed.TotalSeconds;
        io.Line($"scored {rows:N0} rows in {seconds:F1} s ({rows / Math.Max(seconds, 1e-9):N0} rows/s, {engine.ToString().ToLowerInvariant()} engine)" +
            (skipped > 0 ? $"; left out {skipped:N0} rows with an empty cell (--invalid-rows skip)" : string.Empty));
        io.Line($"wrote {outputPath}");
        return GclApp.Ok;
    }

    private static string Invariant(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Scores row-major batches with either engine.</summary>
    private sealed class BatchScorer : IDisposable
    {
        private readonly EnergyModelTransformer? library;
        private readonly OnnxScorer? onnx;

        private BatchScorer(EnergyModelTransformer? library, OnnxScorer? onnx)
        {
            this.library = library;
            this.onnx = onnx;
        }

        public int FeatureCount => library?.Model.FeatureCount ?? onnx!.FeatureCount;

        public IReadOnlyList<string>? FeatureNames => library is not null ? library.FeatureNames : onnx!.FeatureNames;

        public static BatchScorer Open(string path, Engine engine)
        {
            if (engine == Engine.Onnx) return new BatchScorer(null, OnnxScorer.Open(path));
            if (!OnnxScorer.IsModelFile(path))
                throw new UsageException($"'{path}' is not a model file (.zip); an ONNX file needs --engine onnx.");
            return new BatchScorer(EnergyModelTransformer.Load(new MLContext(seed: 1), path), null);
        }

        public ScoreResponse Score(float[] rows, int count)
        {
            if (onnx is not null) return onnx.Score(rows, count);
            var model = library!.Model;
            float[] energy = new float[count], logDensity = new float[count], score = new float[count];
            bool[] predicted = new bool[count];
            model.Score(rows.AsSpan(0, count * model.FeatureCount), energy, logDensity);
            for (int i = 0; i < count; i++)
            {
                score[i] = -logDensity[i];
                predicted[i] = score[i] > model.ScoreThreshold;
            }
            return new ScoreResponse(energy, logDensity, score, predicted);
        }

        public void Explain(float[] rows, int count, float[] contributions)
        {
            int length = count * library!.Model.FeatureCount;
            library.Model.Explain(rows.AsSpan(0, length), contributions.AsSpan(0, length));
        }

        public void Dispose()
        {
            library?.Dispose();
            onnx?.Dispose();
        }
    }
}
