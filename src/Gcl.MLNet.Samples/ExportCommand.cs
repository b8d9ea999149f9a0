using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;

namespace Gcl.MLNet.Samples;

/// <summary>
/// <c>export</c>: loads a model saved with <c>EnergyModelTransformer.Save</c> and writes its two ONNX models,
/// <c>scoring.onnx</c> and <c>sampling.onnx</c>, printing each one's size, inputs, outputs and metadata as ONNX Runtime reads them.
/// </summary>
internal static class ExportCommand
{
    private const string Usage = """
        Usage: dotnet run --project src/Gcl.MLNet.Samples -- export --model MODEL.zip --out DIR
          MODEL.zip  a model saved with EnergyModelTransformer.Save (the main job writes gcl-mlnet-output/wdbc-energy-model.zip)
          --out DIR  folder for scoring.onnx (rows -> Energy, LogDensity, Score, PredictedLabel)
                     and sampling.onnx (standard-normal Noise -> Samples, Energy, LogDensity)
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static int Run(string[] args) => CommandLine.Run(args, Usage, [], ["--model", "--out"], line =>
    {
        Export(line.ExistingFile("--model"), line.Required("--out"));
        return 0;
    });

    /// <summary>Writes <c>scoring.onnx</c> and <c>sampling.onnx</c> to <paramref name="outputDirectory"/>; returns their paths.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model file.</exception>
    public static string[] Export(string modelPath, string outputDirectory)
    {
        using var model = EnergyModelTransformer.Load(new MLContext(seed: 1), modelPath);
        Directory.CreateDirectory(outputDirectory);
        string scoring = Path.Combine(outputDirectory, "scoring.onnx"), sampling = Path.Combine(outputDirectory, "sampling.onnx");
        using (var file = File.Create(scoring)) model.ExportScoringOnnx(file);
        using (var file = File.Create(sampling)) model.ExportSamplingOnnx(file);
        foreach (string path in new[] { scoring, sampling })
        {
            Console.WriteLine($"{path}: {new FileInfo(path).Length:N0} bytes");
            using var session = new InferenceSession(path);
            foreach (string line in OnnxScoring.Describe(session)) Console.WriteLine($"  {line}");
        }
        return [scoring, sampling];
    }
}
