using static TorchSharp.torch;

namespace Gcl.MLNet.Inference;

/// <summary>Copies tensors out of TorchSharp as managed float32 or float64 arrays (detached, on the CPU).</summary>
internal static class ManagedWeights
{
    /// <summary>The values of <paramref name="tensor"/> in row-major order, as float32.</summary>
    public static float[] Copy(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return tensor.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
    }

    /// <summary>The values of <paramref name="tensor"/> in row-major order, as float64.</summary>
    public static double[] CopyDouble(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return tensor.detach().cpu().to(ScalarType.Float64).contiguous().data<double>().ToArray();
    }
}
