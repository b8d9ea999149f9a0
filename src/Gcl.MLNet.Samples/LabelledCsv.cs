using System.Globalization;

namespace Gcl.MLNet.Samples;

/// <summary>
/// A comma-separated file with a header row: one label column (0/1 or true/false, 1 = anomaly) and numeric feature
/// columns. <see cref="Read"/> checks every cell and says which line and column are wrong.
/// </summary>
internal sealed record LabelledCsv(string[] FeatureNames, float[][] Features, bool[] Labels)
{
    /// <summary>Reads <paramref name="path"/>, taking <paramref name="labelColumn"/> as the label and every other column as a feature.</summary>
    /// <exception cref="InvalidDataException">The file has no header, no such label column, a non-numeric cell or a bad label.</exception>
    public static LabelledCsv Read(string path, string labelColumn)
    {
        using var lines = File.ReadLines(path).GetEnumerator();
        if (!lines.MoveNext()) throw new InvalidDataException($"'{path}' is empty; it needs a header row naming the columns.");
        string[] header = lines.Current.Split(',').Select(h => h.Trim()).ToArray();
        int label = Array.IndexOf(header, labelColumn);
        if (label < 0) throw new InvalidDataException($"'{path}' has no column '{labelColumn}'. Its columns: {string.Join(", ", header)}.");
        if (header.Length < 3) throw new InvalidDataException($"'{path}' needs at least two feature columns besides the label '{labelColumn}'.");

        var features = new List<float[]>();
        var labels = new List<bool>();
        for (int lineNumber = 2; lines.MoveNext(); lineNumber++)
        {
            if (string.IsNullOrWhiteSpace(lines.Current)) continue;
            string[] cells = lines.Current.Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}, line {lineNumber}: {cells.Length} fields where the header has {header.Length}.");
            labels.Add(Label(cells[label].Trim()) ?? throw new InvalidDataException(
                $"{path}, line {lineNumber}: label '{cells[label]}' in column '{labelColumn}' is not 0, 1, true or false."));
            features.Add(cells.Where((_, i) => i != label).Select((cell, i) => float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
                && float.IsFinite(value) ? value : throw new InvalidDataException(
                    $"{path}, line {lineNumber}: column '{header[i < label ? i : i + 1]}' holds '{cell}', not a finite number. " +
                    $"Every column except the label '{labelColumn}' is a feature and must be numeric.")).ToArray());
        }
        if (labels.Distinct().Count() < 2)
            throw new InvalidDataException($"'{path}' needs both normal rows (0) and anomalies (1) in '{labelColumn}' to measure AUC.");
        return new LabelledCsv(header.Where((_, i) => i != label).ToArray(), features.ToArray(), labels.ToArray());
    }

    private static bool? Label(string cell) => cell.ToLowerInvariant() switch
    {
        "1" or "true" => true,
        "0" or "false" => false,
        _ => null,
    };
}
