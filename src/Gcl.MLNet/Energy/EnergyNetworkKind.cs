namespace Gcl.MLNet;

/// <summary>How the energy E(u) is parameterized.</summary>
public enum EnergyNetworkKind
{
    /// <summary>
    /// A bounded tilt of the warm-started flow: E = -log q_ref + h, |h| ≤ TiltBound. Starts at the maximum-likelihood
    /// flow and keeps the partition function estimable on real data. The default.
    /// </summary>
    TiltedFlow,

    /// <summary>
    /// A free-form MLP with a weak quadratic confinement (the paper's plain recipe). Expressive on low-dimensional
    /// data; on real tabular data its partition-function estimate is often unreliable (see the training summary).
    /// </summary>
    Mlp,
}
