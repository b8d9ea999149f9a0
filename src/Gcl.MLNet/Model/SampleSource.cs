namespace Gcl.MLNet;

/// <summary>Which density <see cref="EnergyModel.Sample"/> and the transformer's <c>GenerateSamples</c> draw from.</summary>
public enum SampleSource
{
    /// <summary>
    /// The energy model itself, p(x) = exp(-E(x)) / Z: the density that scoring reports. A tilted energy is sampled
    /// exactly, by rejection from its base density; a free-form energy by importance resampling.
    /// </summary>
    EnergyModel = 0,

    /// <summary>The flow generator q, trained adversarially towards p: one pass per row, but not the reported density.</summary>
    Generator = 1,
}
