namespace Gcl.MLNet.Onnx;

/// <summary>A flow layer translated in the forward direction, noise z to data x: x and log|det dx/dz| per row.</summary>
/// <param name="Output">Value name of x, <c>[N, d]</c>.</param>
/// <param name="LogAbsDet">Value name of log|det dx/dz|, <c>[N]</c>.</param>
internal readonly record struct ForwardFlowStep(string Output, string LogAbsDet) : IOnnxFlowStep<ForwardFlowStep>
{
    /// <inheritdoc />
    public static bool IsInverse => false;

    /// <inheritdoc />
    public static ForwardFlowStep Create(string output, string logAbsDet) => new(output, logAbsDet);
}
