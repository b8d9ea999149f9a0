using System.Globalization;
using Gcl.MLNet.Tool;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Gcl.MLNet.Samples;

/// <summary>
/// <c>anomaly</c>: anomaly detection on a user's CSV. Splits the rows 70/30, fits the energy model on the training
/// part without labels, and reports the test part's AUC next to ML.NET's RandomizedPca on the same split; writes the
/// scored test rows to <c>scored-rows.csv</c>.
/// </summary>
internal static class AnomalyCommand
{
    /// <summary>Fits, evaluates and writes <c>scored-rows.csv</c>; returns the two AUCs.</summary>
    public static (double EnergyModel, double RandomizedPca) Run(LabelledCsv table, string outputDirectory, bool quick)
    {
        var mlContext = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(InputRow));
        schema[nameof(InputRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, table.FeatureNames.Length);
        var rows = table.Features.Select((features, i) => new InputRow { Row = i + 1, Features = features, Label = table.Labels[i] ? 1 : 0 });
        var split = mlContext.Data.TrainTestSplit(mlContext.Data.LoadFromEnumerable(rows, schema), testFraction: 0.3, seed: 1);
        var testLabels = split.TestSet.GetColumn<float>("Label").ToArray();
        if (testLabels.Distinct().Count() < 2)
            throw new InvalidDataException("The 30% test split holds only one class; AUC needs normal rows and anomalies. Add rows of the rarer class.");
        Console.WriteLine($"{table.Features.Length} rows, {table.FeatureNames.Length} features; test split {testLabels.Length} rows, {testLabels.Count(l => l == 1)} anomalies");

        using var detector = mlContext.AnomalyDetection.Trainers.EnergyModel("Features", SampleBudgets.Options(quick, TrainingProgressBars.Lines(AnsiConsole.Console))).Fit(split.TrainSet);
        var scored = detector.Transform(split.TestSet);
        double energyAuc = mlContext.AnomalyDetection.Evaluate(scored).AreaUnderRocCurve;
        var pca = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.AnomalyDetection.Trainers.RandomizedPca("Features", rank: 1, ensureZeroMean: true))
            .Fit(split.TrainSet);
        var pcaScored = pca.Transform(split.TestSet);
        double pcaAuc = mlContext.AnomalyDetection.Evaluate(pcaScored).AreaUnderRocCurve;
        Console.WriteLine($"test AUC: energy model {energyAuc:F3}, RandomizedPca (rank 1) {pcaAuc:F3}");

        Directory.CreateDirectory(outputDirectory);
        string path = Path.Combine(outputDirectory, "scored-rows.csv");
        var pcaScores = pcaScored.GetColumn<float>("Score").ToArray();
        var lines = mlContext.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false).Select((r, i) => string.Join(',',
            r.Row, r.Label, Invariant(r.Energy), Invariant(r.LogDensity), Invariant(r.Score), r.PredictedLabel ? 1 : 0, Invariant(pcaScores[i])));
        File.WriteAllLines(path, lines.Prepend("row,label,energy,log_density,score,predicted_label,pca_score"));
        Console.WriteLine($"wrote {path} (the test rows; row = the row's number in the data file, header not counted)");
        return (energyAuc, pcaAuc);
    }

    private static string Invariant(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class InputRow
    {
        public int Row { get; set; }

        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private sealed class ScoredRow
    {
        public int Row { get; set; }

        public float Label { get; set; }

        public float Energy { get; set; }

        public float LogDensity { get; set; }

        public float Score { get; set; }

        public bool PredictedLabel { get; set; }
    }
}
