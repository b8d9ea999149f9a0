namespace Gcl.MLNet.Inference;

/// <summary>The inverse direction (data side to noise side) of one flow layer, on one row in managed code.</summary>
internal abstract class ManagedFlowLayer
{
    /// <summary>Floats of scratch space <see cref="Invert"/> needs.</summary>
    public abstract int ScratchLength { get; }

    /// <summary>Maps <paramref name="row"/> to the noise side in place and returns log|det| of that map.</summary>
    public abstract double Invert(Span<float> row, Span<float> scratch);
}
