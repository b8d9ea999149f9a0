using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace Gcl.MLNet.Tool;

/// <summary>
/// <c>gcl export</c>: writes a model's two ONNX models, <c>scoring.onnx</c> and <c>sampling.onnx</c>, and prints each
/// one's size, inputs, outputs and metadata as ONNX Runtime reads them.
/// </summary>
internal static class ExportCommand
{
    public static Command Create(ToolConsole io)
    {
        var model = CommonOptions.ExistingFile("--model", "a model file from gcl train (.zip)");
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for scoring.onnx (rows -> Energy, LogDensity, Score, PredictedLabel) and sampling.onnx (Noise -> Samples, Energy, LogDensity)",
            Required = true,
            HelpName = "DIR",
        };
        var command = new Command("export", "Write a model's scoring and sampling ONNX models.") { model, output };
        command.SetAction(r =>
        {
            foreach (string path in Export(r.GetValue(model)!.FullName, r.GetValue(output)!.FullName))
            {
                io.Line($"{path}: {new FileInfo(path).Length:N0} bytes");
                using var session = new InferenceSession(path);
                foreach (string line in Describe(session)) io.Line($"  {line}");
            }
            return GclApp.Ok;
        });
        return command;
    }

    /// <summary>Writes <c>scoring.onnx</c> and <c>sampling.onnx</c> to <paramref name="outputDirectory"/>; returns their paths.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model file.</exception>
    public static string[] Export(string modelPath, string outputDirectory)
    {
        using var model = EnergyModelTransformer.Load(new MLContext(seed: 1), modelPath);
        Directory.CreateDirectory(outputDirectory);
        string scoring = Path.Combine(outputDirectory, "scoring.onnx"), sampling = Path.Combine(outputDirectory, "sampling.onnx");
        using (var file = File.Create(scoring)) model.ExportScoringOnnx(file);
        using (var file = File.Create(sampling)) model.ExportGeneratorOnnx(file);
        return [scoring, sampling];
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
