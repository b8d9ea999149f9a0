using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

/// <summary>
/// Runs an exported model in ONNX Runtime with every graph optimization on (as a production host would), and
/// compares its float32 outputs with TorchSharp's.
/// </summary>
internal sealed class OnnxTestRunner : IDisposable
{
    private readonly SessionOptions options;

    /// <summary>Loads <paramref name="model"/> with <see cref="GraphOptimizationLevel.ORT_ENABLE_ALL"/>.</summary>
    public OnnxTestRunner(byte[] model)
    {
        options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        Session = new InferenceSession(model, options);
    }

    /// <summary>The loaded session (metadata, input and output descriptions).</summary>
    public InferenceSession Session { get; }

    /// <summary>Runs the graph on float32 inputs and returns one float32 output with its shape.</summary>
    public (float[] Values, long[] Shape) Run(string output, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var results = Session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, new[] { output });
            var result = results[0];
            return (result.GetTensorDataAsSpan<float>().ToArray(), result.GetTensorTypeAndShape().Shape);
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>Runs the graph once and returns every output by name: float32 outputs as <c>float[]</c>, bool ones as <c>bool[]</c>.</summary>
    public Dictionary<string, (Array Values, long[] Shape)> RunAll(params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            var names = Session.OutputMetadata.Keys.ToArray();
            using var results = Session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), values, names);
            var outputs = new Dictionary<string, (Array, long[])>();
            for (int i = 0; i < names.Length; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                Array data = info.ElementDataType == TensorElementType.Bool
                    ? results[i].GetTensorDataAsSpan<bool>().ToArray()
                    : results[i].GetTensorDataAsSpan<float>().ToArray();
                outputs[names[i]] = (data, info.Shape);
            }
            return outputs;
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>Runs the graph on the rows of <paramref name="x"/> (a 2-D tensor, converted to float32).</summary>
    public (float[] Values, long[] Shape) Run(string output, string input, Tensor x) =>
        Run(output, (input, Floats(x), x.shape));

    /// <summary>A tensor's elements as float32, row-major.</summary>
    public static float[] Floats(Tensor x)
    {
        using var scope = NewDisposeScope();
        return x.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// Asserts that every element agrees within 1e-4 relative, or 1e-5 absolute near zero; returns the largest
    /// absolute difference.
    /// </summary>
    public static double AssertClose(float[] expected, float[] actual) => AssertClose(expected, actual, scale: 0.1);

    /// <summary>
    /// Asserts that every element agrees within 1e-4 of the larger of its magnitude and <paramref name="scale"/>;
    /// returns the largest absolute difference. The scale is the size of the terms an element is computed from,
    /// where that exceeds the element: float32 rounding of those terms, not of the (possibly cancelled) result,
    /// bounds how closely two correct float32 implementations can agree.
    /// </summary>
    public static double AssertClose(float[] expected, float[] actual, double scale) => AssertClose(expected, actual, [scale]);

    /// <summary>
    /// <see cref="AssertClose(float[], float[], double)"/> with a scale per column of row-major rows: a raw-unit
    /// feature x = u * s + m that cancels to near zero is rounded relative to its scale s, not to itself.
    /// </summary>
    public static double AssertClose(float[] expected, float[] actual, double[] columnScales)
    {
        Assert.Equal(expected.Length, actual.Length);
        double largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            double tolerance = 1e-4 * Math.Max(Math.Abs(expected[i]), columnScales[i % columnScales.Length]);
            Assert.True(difference <= tolerance, $"element {i}: TorchSharp {expected[i]}, ONNX Runtime {actual[i]}");
            largest = Math.Max(largest, difference);
        }
        return largest;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Session.Dispose();
        options.Dispose();
    }
}
