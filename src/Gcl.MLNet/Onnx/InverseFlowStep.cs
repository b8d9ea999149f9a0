namespace Gcl.MLNet.Onnx;

/// <summary>A flow layer translated in the inverse direction, data x to noise z: z and log|det dz/dx| per row.</summary>
/// <param name="Output">Value name of z, <c>[N, d]</c>.</param>
/// <param name="LogAbsDet">Value name of log|det dz/dx|, <c>[N]</c>.</param>
internal readonly record struct InverseFlowStep(string Output, string LogAbsDet) : IOnnxFlowStep<InverseFlowStep>
{
    /// <inheritdoc />
    public static bool IsInverse => true;

    /// <inheritdoc />
    public static InverseFlowStep Create(string output, string logAbsDet) => new(output, logAbsDet);
}
