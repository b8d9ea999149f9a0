using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Flows;

/// <summary>Small tensor helpers shared by the Flows tests.</summary>
internal static class TestTensors
{
    /// <summary>Largest absolute entry, as a double.</summary>
    public static double MaxAbs(Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.abs().max().to(ScalarType.Float64).item<double>();
    }

    /// <summary>Adds N(0, scale²) noise to every parameter of <paramref name="module"/>, so no layer stays the identity.</summary>
    public static void Perturb(nn.Module module, double scale, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var parameter in module.parameters())
        {
            parameter.add_(randn(parameter.shape, dtype: parameter.dtype, generator: generator) * scale);
        }
    }
}
