using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Xunit;

namespace Gcl.MLNet.Tests.Architecture;

/// <summary>
/// Keeps the library's layering true: each folder of <c>src/Gcl.MLNet</c> is a layer, and a compiled type may refer
/// only to types of its own folder or of folders in lower layers (<see cref="Layers"/>), so there are no cycles and no
/// upward or sideways edges. The folder of a type comes from the source file that declares it; its references come
/// from the compiled assembly (<see cref="TypeReferences"/>). It also pins the namespaces (one public namespace plus
/// the catalog in <c>Microsoft.ML</c>) and the dependency table in <c>docs/architecture.md</c>.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>The layers, lowest first; folders on one line are peers and may not refer to each other.</summary>
    private static readonly string[][] Layers =
    [
        ["Common"],
        ["Native"],
        ["Networks"],
        ["Flows"],
        ["Energy"],
        ["Inference"],
        ["Training"],
        ["Model"],
        ["Onnx", "Persistence"],
        ["DataViews"],
        ["Ingestion"],
        ["Api"],
    ];

    private static readonly Assembly Library = typeof(EnergyModel).Assembly;
    private static readonly Lazy<Dictionary<string, string>> FolderByTypeName = new(ScanSources);

    [Fact]
    public void EveryReferenceRunsDownTheLayers()
    {
        var offenders = Edges()
            .Where(e => LayerOf(e.From) <= LayerOf(e.To))
            .Select(e => $"{e.From} -> {e.To}: {e.Example}")
            .ToList();
        Assert.True(offenders.Count == 0, "References against the layers:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void EverySourceFolderIsALayer()
    {
        var unplaced = FolderByTypeName.Value.Values.Distinct().Where(f => !Layers.Any(l => l.Contains(f))).ToList();
        Assert.True(unplaced.Count == 0, "Folders missing from the layer table: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void PublicTypesLiveInOneNamespaceAndInternalTypesInTheirFolders()
    {
        var wrong = new List<string>();
        foreach (var type in LibraryTypes())
        {
            string expected = type.IsPublic
                ? type.Name == "EnergyModelCatalog" ? "Microsoft.ML" : "Gcl.MLNet"
                : "Gcl.MLNet." + FolderOf(type);
            bool fits = type.IsPublic ? type.Namespace == expected : type.Namespace == expected || type.Namespace!.StartsWith(expected + ".", StringComparison.Ordinal);
            if (!fits) wrong.Add($"{type.FullName} (expected namespace {expected})");
        }
        Assert.True(wrong.Count == 0, "Types in the wrong namespace:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void TheArchitectureDocumentListsTheDependencies()
    {
        var actual = Edges().GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToHashSet());
        string document = File.ReadAllText(Path.Combine(TestDataFiles.RepositoryRoot(), "docs", "architecture.md"));
        var documented = DependencyLine().Matches(document).ToDictionary(
            m => m.Groups["from"].Value,
            m => m.Groups["to"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(t => t != "nothing").ToHashSet());
        var expected = Layers.SelectMany(l => l).Select(f => $"| {f} | {Describe(actual.GetValueOrDefault(f))} |");
        foreach (var folder in Layers.SelectMany(l => l))
        {
            var uses = actual.GetValueOrDefault(folder) ?? [];
            Assert.True(documented.TryGetValue(folder, out var listed) && listed.SetEquals(uses),
                $"docs/architecture.md's dependency table is out of date for {folder}. The table as the code has it:\n" + string.Join("\n", expected));
        }
    }

    private static string Describe(HashSet<string>? uses) =>
        uses is null || uses.Count == 0 ? "nothing" : string.Join(", ", uses.OrderBy(LayerOf).ThenBy(u => u, StringComparer.Ordinal));

    // Folder-to-folder edges, each with one type-level example.
    private static List<(string From, string To, string Example)> Edges()
    {
        var edges = new Dictionary<(string, string), string>();
        foreach (var type in Library.GetTypes())
        {
            var owner = Outermost(type);
            if (!IsLibraryType(owner)) continue;
            string from = FolderOf(owner);
            foreach (var used in TypeReferences.Of(type))
            {
                if (used.Assembly != Library) continue;
                var usedOwner = Outermost(used);
                if (!IsLibraryType(usedOwner)) continue;
                string to = FolderOf(usedOwner);
                if (to != from) edges.TryAdd((from, to), $"{owner.Name} uses {usedOwner.Name}");
            }
        }
        return edges.Select(e => (e.Key.Item1, e.Key.Item2, e.Value)).OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();
    }

    private static IEnumerable<Type> LibraryTypes() => Library.GetTypes().Where(t => t.DeclaringType is null && IsLibraryType(t));

    private static bool IsLibraryType(Type type) =>
        type.GetCustomAttribute<CompilerGeneratedAttribute>() is null &&
        (type.Namespace?.StartsWith("Gcl.MLNet", StringComparison.Ordinal) == true || type.FullName == "Microsoft.ML.EnergyModelCatalog");

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private static int LayerOf(string folder)
    {
        int index = Array.FindIndex(Layers, l => l.Contains(folder));
        return index >= 0 ? index : throw new InvalidOperationException($"Folder {folder} is not in the layer table.");
    }

    // Declared in source: the folder under src/Gcl.MLNet of the declaring file. Generated (protobuf): the namespace.
    private static string FolderOf(Type type)
    {
        if (FolderByTypeName.Value.TryGetValue(type.Name, out var folder)) return folder;
        var segments = type.Namespace!.Split('.');
        return segments.Length > 2 ? segments[2] : throw new InvalidOperationException($"{type.FullName} is declared in no source file under src/Gcl.MLNet.");
    }

    private static Dictionary<string, string> ScanSources()
    {
        string root = Path.Combine(TestDataFiles.RepositoryRoot(), "src", "Gcl.MLNet");
        var folders = new Dictionary<string, string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar);
            if (relative.Length < 2 || relative[0] is "obj" or "bin" or "buildTransitive") continue;
            foreach (Match match in TopLevelDeclaration().Matches(File.ReadAllText(file)))
            {
                int arity = match.Groups["parameters"].Success ? match.Groups["parameters"].Value.Count(c => c == ',') + 1 : 0;
                string name = arity > 0 ? $"{match.Groups["name"].Value}`{arity}" : match.Groups["name"].Value;
                if (folders.TryGetValue(name, out var other) && other != relative[0])
                {
                    throw new InvalidOperationException($"Type {name} is declared in both {other} and {relative[0]}.");
                }
                folders[name] = relative[0];
            }
        }
        return folders;
    }

    // A type declared at the start of a line without indentation: file-scoped namespaces put top-level types there.
    [GeneratedRegex(@"^(?:(?:public|internal|static|sealed|abstract|partial|readonly|file|ref|unsafe)\s+)*(?:class|struct|interface|enum|record(?:\s+struct|\s+class)?)\s+(?<name>[A-Z]\w*)(?:<(?<parameters>[^>]*)>)?", RegexOptions.Multiline)]
    private static partial Regex TopLevelDeclaration();

    // A row of the dependency table: | Folder | A, B, C |
    [GeneratedRegex(@"^\| (?<from>[A-Z]\w*) \| (?<to>[A-Za-z, ]+) \|$", RegexOptions.Multiline)]
    private static partial Regex DependencyLine();
}
