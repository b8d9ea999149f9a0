namespace Gcl.MLNet.Tests;

/// <summary>
/// The real data sets the tests use, copied into <c>test/Gcl.MLNet.Tests/Data</c> from the project's shared data
/// (found from the test binary by walking up to the repository root), so a clean clone runs every test.
/// </summary>
internal static class TestDataFiles
{
    /// <summary>The full path of <c>Data/{fileName}</c>.</summary>
    public static string PathOf(string fileName) => Path.Combine(RepositoryRoot(), "test", "Gcl.MLNet.Tests", "Data", fileName);

    /// <summary>The folder holding Gcl.MLNet.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gcl.MLNet.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException($"No Gcl.MLNet.sln above {AppContext.BaseDirectory}.");
    }
}
