namespace Gcl.MLNet.Onnx;

/// <summary>
/// What a flow layer's translation returns: the mapped rows and the per-row log|det| of the direction translated.
/// The two implementations, <see cref="ForwardFlowStep"/> (noise to data) and <see cref="InverseFlowStep"/> (data
/// to noise), are distinct result kinds, so <see cref="OnnxEmitters"/> files each layer's two emitters apart and an
/// emitter generic over the step learns its direction from <see cref="IsInverse"/>.
/// </summary>
/// <typeparam name="TSelf">The implementing step type.</typeparam>
internal interface IOnnxFlowStep<TSelf>
    where TSelf : struct, IOnnxFlowStep<TSelf>
{
    /// <summary>False for the forward direction (z to x, as <c>Bijector.Forward</c>), true for the inverse.</summary>
    static abstract bool IsInverse { get; }

    /// <summary>Value name of the mapped rows <c>[N, d]</c>.</summary>
    string Output { get; }

    /// <summary>Value name of the per-row log|det| of the Jacobian of this direction, <c>[N]</c>.</summary>
    string LogAbsDet { get; }

    /// <summary>Makes the step from its two value names.</summary>
    /// <param name="output">Value name of the mapped rows.</param>
    /// <param name="logAbsDet">Value name of the per-row log|det|.</param>
    static abstract TSelf Create(string output, string logAbsDet);
}
