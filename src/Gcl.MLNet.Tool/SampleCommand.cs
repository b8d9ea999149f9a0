using System.CommandLine;
using System.Globalization;
using CsvHelper;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Tool;

/// <summary><c>gcl sample</c>: draws rows from a model (in raw units, from the energy model unless told otherwise) with their energy and log-density, as CSV.</summary>
internal static class SampleCommand
{
    public static Command Create(ToolConsole io)
    {
        var model = CommonOptions.ExistingFile("--model", "a model file from gcl train (.zip)");
        var count = new Option<int>("--count") { Description = "rows to draw", Required = true, HelpName = "N" };
        var seed = new Option<int>("--seed") { Description = "seed of the draw", DefaultValueFactory = _ => 1 };
        var source = new Option<SampleSource>("--source")
        {
            Description = "EnergyModel: draws from the density the model reports, exp(-E)/Z; Generator: draws from the flow generator",
            DefaultValueFactory = _ => SampleSource.EnergyModel,
        };
        var output = new Option<FileInfo>("--out") { Description = "the CSV to write: the feature columns, energy, log_density", Required = true, HelpName = "FILE" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--count must be at least 1.");
        });
        var command = new Command("sample", "Draw rows from a model.") { model, count, seed, source, output };
        command.SetAction(r =>
        {
            string path = r.GetValue(output)!.FullName;
            using var transformer = EnergyModelTransformer.Load(new MLContext(seed: 1), r.GetValue(model)!.FullName);
            var names = transformer.FeatureNames ?? Enumerable.Range(0, transformer.Model.FeatureCount).Select(i => $"f{i}").ToArray();
            var samples = transformer.GenerateSamples(r.GetValue(count), r.GetValue(seed), r.GetValue(source));
            string? folder = Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
            using var writer = new StreamWriter(path);
            using var csv = new CsvWriter(writer, CsvLayout.Configuration(','));
            foreach (string name in names) csv.WriteField(name);
            csv.WriteField("energy");
            csv.WriteField("log_density");
            csv.NextRecord();
            using var cursor = samples.GetRowCursor(samples.Schema);
            var features = cursor.GetGetter<VBuffer<float>>(samples.Schema["Features"]);
            var energy = cursor.GetGetter<float>(samples.Schema["Energy"]);
            var logDensity = cursor.GetGetter<float>(samples.Schema["LogDensity"]);
            VBuffer<float> row = default;
            float e = 0, l = 0;
            long rows = 0;
            while (cursor.MoveNext())
            {
                features(ref row);
                energy(ref e);
                logDensity(ref l);
                foreach (float v in row.DenseValues()) csv.WriteField(v.ToString("R", CultureInfo.InvariantCulture));
                csv.WriteField(e.ToString("R", CultureInfo.InvariantCulture));
                csv.WriteField(l.ToString("R", CultureInfo.InvariantCulture));
                csv.NextRecord();
                rows++;
            }
            io.Line($"wrote {rows:N0} samples to {path}");
            return GclApp.Ok;
        });
        return command;
    }
}
