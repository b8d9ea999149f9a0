using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace Gcl.MLNet.Tool;

/// <summary>
/// Which columns of a CSV file are features, which is the label and which pass through, chosen by name from its
/// header. CsvHelper reads the file (RFC 4180: quoted fields and headers, separators inside quotes).
/// </summary>
internal sealed record CsvLayout(string Path, char Separator, string[] Header, int[] FeatureColumns, int? LabelColumn, int[] PassThroughColumns)
{
    /// <summary>The feature columns' names, in model order.</summary>
    public string[] FeatureNames => FeatureColumns.Select(i => Header[i]).ToArray();

    /// <summary>The layout for training: features named by <paramref name="features"/>, or every column except the label and <paramref name="ignore"/>.</summary>
    /// <exception cref="UsageException">A named column is not in the header, or both lists were given.</exception>
    public static CsvLayout ForTraining(string path, char separator, IReadOnlyList<string>? features, IReadOnlyList<string>? ignore, string? label)
    {
        if (features is not null && ignore is not null) throw new UsageException("give --features or --ignore, not both.");
        string[] header = ReadHeader(path, separator);
        int? labelColumn = label is null ? null : Find(header, label, "--label", path);
        var ignored = (ignore ?? []).Select(n => Find(header, n, "--ignore", path)).ToHashSet();
        int[] featureColumns = features is not null
            ? features.Select(n => Find(header, n, "--features", path)).ToArray()
            : Enumerable.Range(0, header.Length).Where(i => i != labelColumn && !ignored.Contains(i)).ToArray();
        if (labelColumn is { } l && featureColumns.Contains(l)) throw new UsageException($"the label column '{label}' cannot be a feature too.");
        if (featureColumns.Length == 0) throw new UsageException($"'{path}' has no feature column left: its columns are {string.Join(", ", header)}.");
        if (featureColumns.Distinct().Count() != featureColumns.Length) throw new UsageException("--features names a column twice.");
        return new CsvLayout(path, separator, header, featureColumns, labelColumn, PassThrough(header, featureColumns, ignored));
    }

    /// <summary>
    /// The layout for scoring with a model of <paramref name="featureCount"/> features: by the model's feature names
    /// when it has them and <paramref name="features"/> is not given, otherwise as for training.
    /// </summary>
    public static CsvLayout ForScoring(string path, char separator, IReadOnlyList<string>? modelFeatureNames, int featureCount,
        IReadOnlyList<string>? features, IReadOnlyList<string>? ignore)
    {
        CsvLayout layout;
        if (features is null && modelFeatureNames is not null)
        {
            if (ignore is not null && modelFeatureNames.Intersect(ignore).FirstOrDefault() is { } both)
                throw new UsageException($"--ignore names '{both}', which the model takes as a feature.");
            string[] header = ReadHeader(path, separator);
            var missing = modelFeatureNames.Where(n => !header.Contains(n)).ToArray();
            if (missing.Length > 0)
                throw new InvalidDataException($"'{path}' lacks the model's feature column(s) {string.Join(", ", missing.Take(5).Select(m => $"'{m}'"))}" +
                    $"{(missing.Length > 5 ? $" and {missing.Length - 5} more" : string.Empty)}; its columns are {string.Join(", ", header)}.");
            int[] featureColumns = modelFeatureNames.Select(n => Array.IndexOf(header, n)).ToArray();
            var ignored = (ignore ?? []).Select(n => Find(header, n, "--ignore", path)).ToHashSet();
            layout = new CsvLayout(path, separator, header, featureColumns, null, PassThrough(header, featureColumns, ignored));
        }
        else
        {
            layout = ForTraining(path, separator, features, ignore, label: null);
        }
        if (layout.FeatureColumns.Length != featureCount)
            throw new InvalidDataException($"the model takes {featureCount} features but {layout.FeatureColumns.Length} columns of '{path}' were chosen " +
                $"({string.Join(", ", layout.FeatureNames)}); name them with --features, or leave the others out with --ignore.");
        return layout;
    }

    /// <summary>CsvHelper's settings for this layout's separator.</summary>
    public static CsvConfiguration Configuration(char separator) => new(CultureInfo.InvariantCulture)
    {
        Delimiter = separator.ToString(),
        HasHeaderRecord = true,
        TrimOptions = TrimOptions.Trim,
        DetectColumnCountChanges = false,
        IgnoreBlankLines = true,
    };

    private static string[] ReadHeader(string path, char separator)
    {
        using var reader = new StreamReader(path);
        using var parser = new CsvParser(reader, Configuration(separator));
        if (!parser.Read() || parser.Record is not { Length: > 0 } header || header.All(string.IsNullOrWhiteSpace))
            throw new InvalidDataException($"'{path}' is empty; it needs a header row naming the columns.");
        if (header.Length == 1 && separator != ',' && header[0].Contains(','))
            throw new UsageException($"'{path}' has one column with --separator '{separator}'; its header looks comma-separated.");
        var duplicate = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"'{path}' names the column '{duplicate.Key}' twice in its header.");
        return header;
    }

    private static int Find(string[] header, string name, string option, string path)
    {
        int index = Array.IndexOf(header, name);
        return index >= 0 ? index : throw new UsageException($"{option}: '{path}' has no column '{name}'. Its columns: {string.Join(", ", header)}.");
    }

    private static int[] PassThrough(string[] header, int[] features, HashSet<int> ignored) =>
        Enumerable.Range(0, header.Length).Where(i => !features.Contains(i) && !ignored.Contains(i)).ToArray();
}

/// <summary>
/// Reads a CSV file one record at a time with the features of a <see cref="CsvLayout"/> parsed to floats: flat
/// memory whatever the file's size. An empty or NaN feature cell makes the row invalid (skipped or rejected by
/// <see cref="InvalidRowHandling"/>); text in a feature column is always an error naming the line and column.
/// </summary>
internal sealed class CsvRowReader : IDisposable
{
    private readonly CsvLayout layout;
    private readonly InvalidRowHandling invalidRows;
    private readonly FileStream stream;
    private readonly StreamReader reader;
    private readonly CsvParser parser;

    public CsvRowReader(CsvLayout layout, InvalidRowHandling invalidRows)
    {
        this.layout = layout;
        this.invalidRows = invalidRows;
        stream = new FileStream(layout.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        reader = new StreamReader(stream);
        parser = new CsvParser(reader, CsvLayout.Configuration(layout.Separator));
        parser.Read(); // the header, read and checked by the layout
    }

    /// <summary>Rows left out for an empty or NaN feature cell.</summary>
    public long SkippedRows { get; private set; }

    /// <summary>The current record's line in the file (1 = the header).</summary>
    public long Line => parser.RawRow;

    /// <summary>Bytes of the file read so far (for progress) and its length.</summary>
    public (long Read, long Length) Position => (stream.Position, stream.Length);

    /// <summary>The current record's cell in <paramref name="column"/>.</summary>
    public string Cell(int column) => parser[column];

    /// <summary>
    /// Moves to the next valid row and writes its features into <paramref name="features"/>; false at the end.
    /// With a label column, <paramref name="label"/> is its value.
    /// </summary>
    /// <exception cref="InvalidDataException">A row has the wrong number of fields, a feature or label cell is not a number, or an invalid row under Reject.</exception>
    public bool Next(Span<float> features, out bool label)
    {
        label = false;
        while (true)
        {
            try
            {
                if (!parser.Read()) return false;
            }
            catch (CsvHelperException e)
            {
                throw new InvalidDataException($"{layout.Path}, line {parser.RawRow}: not valid CSV ({GclApp.OneLine(e.Message.Split('\n')[0])}).", e);
            }
            if (parser.Count != layout.Header.Length)
                throw new InvalidDataException($"{layout.Path}, line {Line}: {parser.Count} fields where the header has {layout.Header.Length}.");
            string? empty = null;
            for (int f = 0; f < layout.FeatureColumns.Length; f++)
            {
                int column = layout.FeatureColumns[f];
                string cell = parser[column];
                if (cell.Length == 0)
                {
                    empty ??= layout.Header[column];
                    continue;
                }
                if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
                    throw new InvalidDataException($"{layout.Path}, line {Line}: column '{layout.Header[column]}' holds '{cell}', not a number; " +
                        "leave such columns out with --ignore or choose the features with --features.");
                if (!float.IsFinite(value)) empty ??= layout.Header[column];
                features[f] = value;
            }
            if (layout.LabelColumn is { } l)
            {
                string cell = parser[l];
                bool? parsed = Label(cell);
                if (parsed is null && cell.Length > 0)
                    throw new InvalidDataException($"{layout.Path}, line {Line}: label '{cell}' in column '{layout.Header[l]}' is not 0, 1, true or false.");
                if (parsed is null) empty ??= layout.Header[l];
                label = parsed ?? false;
            }
            if (empty is null) return true;
            if (invalidRows == InvalidRowHandling.Reject)
                throw new InvalidDataException($"{layout.Path}, line {Line}: column '{empty}' is empty or not finite; pass --invalid-rows skip to leave such rows out.");
            SkippedRows++;
        }
    }

    private static bool? Label(string cell) => cell.ToLowerInvariant() switch
    {
        "1" or "1.0" or "true" => true,
        "0" or "0.0" or "false" => false,
        _ => null,
    };

    public void Dispose()
    {
        parser.Dispose();
        reader.Dispose();
        stream.Dispose();
    }
}
