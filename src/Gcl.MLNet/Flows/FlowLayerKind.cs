namespace Gcl.MLNet;

/// <summary>The coupling layer a normalizing flow is built from.</summary>
public enum FlowLayerKind
{
    /// <summary>RealNVP affine coupling: a shift and a bounded scale per feature. Cheap; needs more blocks for
    /// multi-modal or skewed data.</summary>
    AffineCoupling,

    /// <summary>Rational-quadratic spline coupling (neural spline flows): a flexible monotone map per feature.
    /// More expressive per block, somewhat slower.</summary>
    RationalQuadraticSpline,
}
