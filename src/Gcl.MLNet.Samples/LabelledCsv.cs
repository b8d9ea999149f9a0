using Gcl.MLNet.Tool;

namespace Gcl.MLNet.Samples;

/// <summary>
/// A CSV file with a header row: one label column (0/1 or true/false, 1 = anomaly) and numeric feature columns,
/// read by the gcl tool's CSV reader (CsvHelper: quoted headers and fields), which names the line and column at fault.
/// </summary>
internal sealed record LabelledCsv(string[] FeatureNames, float[][] Features, bool[] Labels)
{
    /// <summary>Reads <paramref name="path"/>, taking <paramref name="labelColumn"/> as the label and every other column as a feature.</summary>
    /// <exception cref="InvalidDataException">The file has no header, a non-numeric cell, a bad label or too few columns or classes.</exception>
    /// <exception cref="UsageException">The file has no such label column.</exception>
    public static LabelledCsv Read(string path, string labelColumn)
    {
        var layout = CsvLayout.ForTraining(path, ',', features: null, ignore: null, labelColumn);
        if (layout.FeatureColumns.Length < 2) throw new InvalidDataException($"'{path}' needs at least two feature columns besides the label '{labelColumn}'.");
        var features = new List<float[]>();
        var labels = new List<bool>();
        using (var reader = new CsvRowReader(layout, InvalidRowHandling.Reject))
        {
            var row = new float[layout.FeatureColumns.Length];
            while (reader.Next(row, out bool label))
            {
                features.Add((float[])row.Clone());
                labels.Add(label);
            }
        }
        if (labels.Distinct().Count() < 2)
            throw new InvalidDataException($"'{path}' needs both normal rows (0) and anomalies (1) in '{labelColumn}' to measure AUC.");
        return new LabelledCsv(layout.FeatureNames, features.ToArray(), labels.ToArray());
    }
}
