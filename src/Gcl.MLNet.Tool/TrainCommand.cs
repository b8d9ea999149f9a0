using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Tool;

/// <summary>
/// <c>gcl train</c>: fits an energy model to a CSV file's feature columns and saves it. With <c>--label</c>, the label
/// only grades the result: training never sees it, and the AUC on the same rows is printed next to ML.NET's
/// RandomizedPca (rank 1, on standardized features) fitted to the same rows.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(ToolConsole io)
    {
        var csv = new CommonOptions.Csv();
        var label = new Option<string?>("--label") { Description = "a 0/1 or true/false column (1 = anomaly): not a feature; prints AUC next to RandomizedPca", HelpName = "COL" };
        var output = new Option<FileInfo>("--out") { Description = "the model file to write (.zip)", Required = true, HelpName = "FILE" };
        var training = new TrainingOptions();
        var command = new Command("train", "Fit an energy model to a CSV file and save it.");
        csv.AddTo(command);
        command.Options.Add(label);
        command.Options.Add(output);
        foreach (var option in training.All) command.Options.Add(option);
        command.SetAction(r =>
        {
            var layout = CsvLayout.ForTraining(r.GetValue(csv.Data)!.FullName, csv.SeparatorOf(r),
                CommonOptions.Csv.Names(r, csv.Features), CommonOptions.Csv.Names(r, csv.Ignore), r.GetValue(label));
            var invalidRows = r.GetValue(csv.InvalidRows);
            training.Read(r, invalidRows, null); // a wrong setting fails before the file is read
            return Run(io, layout, invalidRows, bars => training.Read(r, invalidRows, bars), r.GetValue(output)!.FullName);
        });
        return command;
    }

    private static int Run(ToolConsole io, CsvLayout layout, InvalidRowHandling invalidRows, Func<IProgress<TrainingProgress>, EnergyModelOptions> options,
        string outputPath)
    {
        var (rows, labels, skipped) = Read(layout, invalidRows);
        io.Line($"{layout.Path}: {rows.Count} rows, {layout.FeatureColumns.Length} features" +
            (skipped > 0 ? $"; skipped {skipped} rows with an empty cell" : string.Empty) +
            (layout.LabelColumn is { } l ? $"; label '{layout.Header[l]}' ({labels.Count(x => x)} anomalies)" : string.Empty));
        if (rows.Count < 2) throw new InvalidDataException($"'{layout.Path}' has {rows.Count} usable rows; training needs more.");

        var mlContext = new MLContext(seed: 1);
        var data = Load(mlContext, rows, labels, layout.FeatureNames);
        using var model = TrainingProgressBars.Run(io.Console, bars => mlContext.Transforms.EnergyModel("Features", options(bars)).Fit(data));
        string? folder = Path.GetDirectoryName(outputPath);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        model.Save(outputPath);

        var summary = model.Model.Summary;
        io.Line($"trained in {summary.Duration.TotalSeconds:F1} s on {summary.TrainingRows} rows ({summary.ValidationRows} for validation); " +
            $"validation log-likelihood {summary.ValidationLogLikelihood:F3} (flow alone {summary.FlowValidationLogLikelihood:F3})");
        io.Line(model.Model.Partition.Describe());
        if (!model.Model.Partition.IsReliable)
            io.Line("warning: the log Z diagnostics fail, so LogDensity is not a trustworthy normalized density; Score may still rank anomalies.");
        if (layout.LabelColumn is not null)
        {
            if (labels.Distinct().Count() < 2)
            {
                io.Line("AUC: not measured; the label column holds one class only.");
            }
            else
            {
                double energyAuc = mlContext.AnomalyDetection.Evaluate(model.Transform(data)).AreaUnderRocCurve;
                var pca = mlContext.Transforms.NormalizeMeanVariance("Features")
                    .Append(mlContext.AnomalyDetection.Trainers.RandomizedPca("Features", rank: 1, ensureZeroMean: true)).Fit(data);
                double pcaAuc = mlContext.AnomalyDetection.Evaluate(pca.Transform(data)).AreaUnderRocCurve;
                io.Line($"AUC on the training rows (labels unseen by training): energy model {energyAuc:F3}, RandomizedPca (rank 1) {pcaAuc:F3}");
            }
        }
        io.Line($"wrote {outputPath}");
        return GclApp.Ok;
    }

    private static (List<float[]> Rows, List<bool> Labels, long Skipped) Read(CsvLayout layout, InvalidRowHandling invalidRows)
    {
        var rows = new List<float[]>();
        var labels = new List<bool>();
        using var reader = new CsvRowReader(layout, invalidRows);
        var features = new float[layout.FeatureColumns.Length];
        while (reader.Next(features, out bool label))
        {
            rows.Add((float[])features.Clone());
            labels.Add(label);
        }
        return (rows, labels, reader.SkippedRows);
    }

    /// <summary>The rows as an IDataView: a <c>Features</c> vector whose slot names are the column names, and a float <c>Label</c>.</summary>
    private static IDataView Load(MLContext mlContext, List<float[]> rows, List<bool> labels, string[] names)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        var column = schema[nameof(Row.Features)];
        column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, names.Length);
        var slotNames = new VBuffer<ReadOnlyMemory<char>>(names.Length, names.Select(n => n.AsMemory()).ToArray());
        column.AddAnnotation("SlotNames", slotNames, new VectorDataViewType(TextDataViewType.Instance, names.Length));
        return mlContext.Data.LoadFromEnumerable(rows.Select((r, i) => new Row { Features = r, Label = labels[i] ? 1 : 0 }), schema);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}
