using System.Globalization;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

/// <summary>Loads the density CSVs kept in the test project's Data folder.</summary>
internal static class DensityData
{
    /// <summary>The rows of <c>Data/{fileName}</c> (header skipped) as float arrays.</summary>
    public static float[][] Rows(string fileName)
    {
        var path = TestDataFiles.PathOf(fileName);
        return File.ReadLines(path).Skip(1).Where(line => line.Length > 0)
            .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }

    /// <summary>Rows as a float32 tensor [N, d].</summary>
    public static Tensor ToTensor(float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });
}
