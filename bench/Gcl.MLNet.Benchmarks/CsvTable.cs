using System.Globalization;

namespace Gcl.MLNet.Benchmarks;

/// <summary>A numeric CSV with a header row (the format of ../shared/data), loaded whole.</summary>
internal sealed record CsvTable(string[] Columns, float[][] Rows)
{
    public static CsvTable Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        var columns = lines[0].Split(',');
        var rows = lines.Skip(1)
            .Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        return new CsvTable(columns, rows);
    }

    /// <summary>The rows without the named column, and that column's values (for labels).</summary>
    public (float[][] Features, float[] Column) Split(string column)
    {
        int index = Array.IndexOf(Columns, column);
        if (index < 0) return (Rows, Array.Empty<float>());
        return (Rows.Select(r => r.Where((_, j) => j != index).ToArray()).ToArray(), Rows.Select(r => r[index]).ToArray());
    }
}
