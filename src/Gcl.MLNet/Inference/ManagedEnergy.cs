using Gcl.MLNet.Energy;

namespace Gcl.MLNet.Inference;

/// <summary>An <see cref="EnergyFunction"/> evaluated on one standardized row in managed code.</summary>
internal abstract class ManagedEnergy
{
    /// <summary>Floats of scratch space <see cref="Evaluate"/> needs.</summary>
    public abstract int ScratchLength { get; }

    /// <summary>The managed copy of <paramref name="energy"/>, or null when it has no managed form.</summary>
    public static ManagedEnergy? TryCreate(EnergyFunction energy) => energy switch
    {
        TiltedFlowEnergy tilted => ManagedFlow.TryCreate(tilted.Reference) is { } reference ? new ManagedTiltedEnergy(tilted, reference) : null,
        MlpEnergy mlp => new ManagedMlpEnergy(mlp),
        KernelMixtureEnergy kernel => TryCreate(kernel.Inner) is { } inner ? new ManagedKernelMixtureEnergy(kernel, inner) : null,
        _ => null,
    };

    /// <summary>E(<paramref name="u"/>).</summary>
    public abstract double Evaluate(ReadOnlySpan<float> u, Span<float> scratch);
}
