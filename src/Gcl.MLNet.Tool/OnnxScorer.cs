using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gcl.MLNet.Tool;

/// <summary>
/// An exported scoring model held open in ONNX Runtime: scores a batch of rows in one call. Opens a <c>.onnx</c> file
/// or a saved model file (<c>EnergyModelTransformer.Save</c>), whose <c>model.onnx</c> entry is the scoring model.
/// Safe to use from several requests at once (ONNX Runtime sessions are).
/// </summary>
internal sealed class OnnxScorer : IDisposable
{
    private const string ModelFileEntry = "model.onnx";
    private static readonly string[] Outputs = ["Energy", "LogDensity", "Score", "PredictedLabel"];
    private readonly InferenceSession session;

    private OnnxScorer(InferenceSession session)
    {
        this.session = session;
        var (name, input) = session.InputMetadata.Single();
        InputName = name;
        FeatureCount = input.Dimensions[^1];
        FeatureNames = Metadata.TryGetValue("feature_names", out string? json) ? JsonSerializer.Deserialize<string[]>(json) : null;
    }

    /// <summary>The input's name (the training feature column).</summary>
    public string InputName { get; }

    /// <summary>Values per row.</summary>
    public int FeatureCount { get; }

    /// <summary>The training feature names, when the model records them.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>The model's metadata (producer, feature count and names, log Z, threshold ...).</summary>
    public IReadOnlyDictionary<string, string> Metadata => session.ModelMetadata.CustomMetadataMap;

    /// <summary>Opens a scoring <c>.onnx</c> file or a saved model <c>.zip</c>.</summary>
    /// <exception cref="InvalidDataException">The file holds no scoring model.</exception>
    public static OnnxScorer Open(string path)
    {
        byte[] bytes = IsModelFile(path) ? ModelFileEntryBytes(path) : File.ReadAllBytes(path);
        InferenceSession session;
        try
        {
            session = new InferenceSession(bytes);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model ONNX Runtime can load: {e.Message}", e);
        }
        bool scoring = session.InputMetadata.Count == 1 && session.InputMetadata.Single().Value.Dimensions is [_, > 0]
            && Outputs.All(session.OutputMetadata.ContainsKey);
        if (scoring) return new OnnxScorer(session);
        session.Dispose();
        throw new InvalidDataException($"'{path}' is not a Gcl.MLNet scoring model: it needs one [N, d] input and the outputs {string.Join(", ", Outputs)}.");
    }

    /// <summary>Whether <paramref name="path"/> names a saved model file rather than an ONNX file.</summary>
    public static bool IsModelFile(string path) => Path.GetExtension(path).Equals(".zip", StringComparison.OrdinalIgnoreCase);

    /// <summary>Scores <paramref name="rows"/> (each <see cref="FeatureCount"/> long) in one ONNX Runtime call.</summary>
    public ScoreResponse Score(float[][] rows) => Score(rows.SelectMany(r => r).ToArray(), rows.Length);

    /// <summary>Scores the first <paramref name="count"/> rows of the row-major <paramref name="rows"/> in one call.</summary>
    public ScoreResponse Score(float[] rows, int count)
    {
        var input = new DenseTensor<float>(rows.AsMemory(0, count * FeatureCount), [count, FeatureCount]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(InputName, input)], Outputs);
        float[] Floats(string name) => results.Single(r => r.Name == name).AsEnumerable<float>().ToArray();
        return new ScoreResponse(Floats("Energy"), Floats("LogDensity"), Floats("Score"),
            results.Single(r => r.Name == "PredictedLabel").AsEnumerable<bool>().ToArray());
    }

    /// <inheritdoc />
    public void Dispose() => session.Dispose();

    private static byte[] ModelFileEntryBytes(string path)
    {
        ZipArchive archive;
        try
        {
            archive = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a model file: {e.Message}", e);
        }
        using (archive)
        {
            var entry = archive.GetEntry(ModelFileEntry)
                ?? throw new InvalidDataException($"'{path}' has no '{ModelFileEntry}' entry: it is not a model file saved by EnergyModelTransformer.Save.");
            using var stream = entry.Open();
            using var bytes = new MemoryStream();
            stream.CopyTo(bytes);
            return bytes.ToArray();
        }
    }
}

/// <summary>Scores of a batch: one value per row in each array.</summary>
internal sealed record ScoreResponse(float[] Energy, float[] LogDensity, float[] Score, bool[] PredictedLabel);
