using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Readme;

/// <summary>
/// The README's quick start, cut out of README.md, followed by every snippet of its "Detector ergonomics" section
/// (which continue it), compiled with the SDK's own C# compiler against this build's assemblies and run in this
/// process, so the snippets users copy cannot rot.
/// </summary>
public sealed class ReadmeQuickStartTests(ITestOutputHelper output)
{
    // What a new console project's implicit usings give the snippet.
    private const string ImplicitUsings = "global using System; global using System.IO; global using System.Linq; " +
        "global using System.Collections.Generic; global using System.Threading.Tasks;";

    [Fact]
    public void TheQuickStartCompilesRunsAndSavesALoadableModel()
    {
        string work = Directory.CreateTempSubdirectory("gcl-readme-").FullName;
        try
        {
            string modelPath = Path.Combine(work, "model.zip");
            string readme = File.ReadAllText(Path.Combine(TestDataFiles.RepositoryRoot(), "README.md"));
            var snippets = FeatureSnippets(readme);
            Assert.Equal(5, snippets.Count);
            string code = QuickStart(readme) + string.Join("\n", snippets);
            code = ReplaceOnce(code, "\"wbc.csv\"", Literal(TestDataFiles.PathOf("wbc.csv")));
            code = ReplaceOnce(code, "\"model.zip\"", Literal(modelPath));
            File.WriteAllText(Path.Combine(work, "Program.cs"), code);
            File.WriteAllText(Path.Combine(work, "Usings.cs"), ImplicitUsings);
            string assembly = Compile(work);

            var entryPoint = Assembly.LoadFrom(assembly).EntryPoint!;
            var watch = Stopwatch.StartNew();
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            output.WriteLine($"the quick start ran in {watch.Elapsed.TotalSeconds:F1} s");

            using var reloaded = EnergyModelTransformer.Load(new MLContext(), modelPath);
            Assert.Equal(30, reloaded.Model.FeatureCount);
            Assert.True(double.IsFinite(reloaded.Model.Partition.LogZ));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // The first C# block after the "## Quick start" heading.
    private static string QuickStart(string readme)
    {
        int section = readme.IndexOf("\n## Quick start", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Quick start' section.");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        return readme[start..end];
    }

    // The C# blocks of the "## Detector ergonomics" section, one per feature, in order.
    private static List<string> FeatureSnippets(string readme)
    {
        int section = readme.IndexOf("\n## Detector ergonomics", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## Detector ergonomics' section.");
        int end = readme.IndexOf("\n## ", section + 1, StringComparison.Ordinal);
        var snippets = new List<string>();
        for (int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal); start >= 0 && start < end;
             start = readme.IndexOf("```csharp\n", start, StringComparison.Ordinal))
        {
            start += "```csharp\n".Length;
            int close = readme.IndexOf("```", start, StringComparison.Ordinal);
            snippets.Add(readme[start..close]);
            start = close + 3;
        }
        return snippets;
    }

    private static string ReplaceOnce(string code, string literal, string replacement)
    {
        Assert.Contains(literal, code, StringComparison.Ordinal);
        return code.Replace(literal, replacement, StringComparison.Ordinal);
    }

    private static string Literal(string path) => "@\"" + path.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // csc from the SDK that runs this test; references: the shared framework and this build's Gcl/ML.NET/TorchSharp assemblies.
    private string Compile(string work)
    {
        string runtime = RuntimeEnvironment.GetRuntimeDirectory();
        string dotnetRoot = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        string compiler = Directory.GetFiles(Path.Combine(dotnetRoot, "sdk"), "csc.dll", SearchOption.AllDirectories)
            .Where(p => p.Contains(Path.Combine("Roslyn", "bincore"), StringComparison.Ordinal)).OrderDescending().First();
        var references = Directory.GetFiles(runtime, "*.dll").Where(IsManaged)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(p => Path.GetFileName(p) is var name &&
                (name.StartsWith("Gcl.MLNet.dll", StringComparison.Ordinal) || name.StartsWith("Microsoft.ML", StringComparison.Ordinal) ||
                 name == "TorchSharp.dll")));
        string assembly = Path.Combine(work, "QuickStart.dll");
        var arguments = new List<string> { compiler, "-nologo", "-target:exe", "-nullable:enable", "-langversion:latest", $"-out:{assembly}" };
        arguments.AddRange(references.Select(r => $"-r:{r}"));
        arguments.Add(Path.Combine(work, "Program.cs"));
        arguments.Add(Path.Combine(work, "Usings.cs"));
        var start = new ProcessStartInfo(Path.Combine(dotnetRoot, "dotnet")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        string messages = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        output.WriteLine(messages);
        Assert.True(process.ExitCode == 0, $"The README quick start does not compile:\n{messages}");
        return assembly;
    }

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
