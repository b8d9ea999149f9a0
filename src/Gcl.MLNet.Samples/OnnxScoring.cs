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
}
