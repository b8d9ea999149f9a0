using System.Globalization;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

/// <summary>Loads the density CSVs kept in Flows/Data (found from the test binary by walking up to the repository root).</summary>
internal static class DensityData
{
    /// <summary>The rows of <c>Flows/Data/{fileName}</c> (header skipped) as float arrays.</summary>
    public static float[][] Rows(string fileName)
    {
        var path = Path.Combine(RepositoryRoot(), "test", "Gcl.MLNet.Tests", "Flows", "Data", fileName);
        return File.ReadLines(path).Skip(1).Where(line => line.Length > 0)
            .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }

    /// <summary>Rows as a float32 tensor [N, d].</summary>
    public static Tensor ToTensor(float[][] rows) =>
        tensor(rows.SelectMany(r => r).ToArray(), new long[] { rows.Length, rows[0].Length });

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gcl.MLNet.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No Gcl.MLNet.sln above {AppContext.BaseDirectory}.");
    }
}
