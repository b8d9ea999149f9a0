using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gcl.MLNet.Samples;

/// <summary>Scores rows with an exported scoring model through ONNX Runtime directly, as a service would.</summary>
internal static class OnnxScoring
{
    public static float[] LogDensity(string modelPath, IReadOnlyList<float[]> rows)
    {
        using var session = new InferenceSession(modelPath);
        int width = rows[0].Length;
        var input = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), new[] { rows.Count, width });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", input) });
        return results.Single(r => r.Name == "LogDensity").AsEnumerable<float>().ToArray();
    }

    /// <summary>The session's inputs and outputs (name, element type, shape) and its metadata, one line each.</summary>
    public static IEnumerable<string> Describe(InferenceSession session)
    {
        foreach (var (name, node) in session.InputMetadata) yield return $"input  {name}: {Shape(node)}";
        foreach (var (name, node) in session.OutputMetadata) yield return $"output {name}: {Shape(node)}";
        foreach (var (key, value) in session.ModelMetadata.CustomMetadataMap.OrderBy(p => p.Key, StringComparer.Ordinal))
            yield return $"metadata {key} = {value}";
    }

    /// <summary>Element type and dimensions, a symbolic dimension by its name: <c>Single [N, 30]</c>.</summary>
    public static string Shape(NodeMetadata node) =>
        $"{node.ElementType.Name} [{string.Join(", ", node.Dimensions.Select((d, i) => d >= 0 ? d.ToString() : node.SymbolicDimensions[i]))}]";
}
