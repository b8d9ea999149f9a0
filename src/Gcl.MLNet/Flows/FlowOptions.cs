using static System.FormattableString;

namespace Gcl.MLNet.Flows;

/// <summary>
/// The shape of a <see cref="NormalizingFlow"/>: <paramref name="Blocks"/> blocks of ActNorm + invertible linear +
/// coupling, each coupling conditioned by an MLP of <paramref name="HiddenLayers"/> layers of
/// <paramref name="HiddenWidth"/> units. The defaults won a measured comparison of held-out log-likelihood under
/// maximum likelihood (wdbc, vehicle, and a 6-D banana and a 5-D mixture with known densities): affine coupling
/// with 4 blocks of width 64 was best, or within seed noise of the best, on all but the mixture, where the
/// 4 x 64 spline led by 0.007 nats; and its log q runs about 3x faster than 8 x 128 and 4x faster than that spline.
/// </summary>
/// <param name="Kind">The coupling layer.</param>
/// <param name="Blocks">Number of blocks, at least 1.</param>
/// <param name="HiddenWidth">Conditioner hidden width, at least 1.</param>
/// <param name="HiddenLayers">Conditioner hidden layers, at least 0.</param>
/// <param name="SplineBins">Spline bins K (spline kind), at least 2.</param>
/// <param name="SplineBound">Half-width B of the spline interval in standardized units (spline kind), positive.</param>
/// <param name="LogScaleBound">Bound on each affine coupling's |log-scale| (affine kind), positive.</param>
internal sealed record FlowOptions(
    FlowLayerKind Kind = FlowLayerKind.AffineCoupling,
    int Blocks = 4,
    int HiddenWidth = 64,
    int HiddenLayers = 2,
    int SplineBins = 8,
    double SplineBound = 4.0,
    double LogScaleBound = 3.0)
{
    /// <summary>Throws when a value is out of range; the message names the option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Kind)) throw Invalid(nameof(Kind), Kind, "is not a known flow layer kind");
        if (Blocks < 1) throw Invalid(nameof(Blocks), Blocks, "must be at least 1");
        if (HiddenWidth < 1) throw Invalid(nameof(HiddenWidth), HiddenWidth, "must be at least 1");
        if (HiddenLayers < 0) throw Invalid(nameof(HiddenLayers), HiddenLayers, "must be at least 0");
        if (SplineBins < 2) throw Invalid(nameof(SplineBins), SplineBins, "must be at least 2");
        if (!(SplineBound > 0) || double.IsInfinity(SplineBound)) throw Invalid(nameof(SplineBound), SplineBound, "must be positive and finite");
        if (!(LogScaleBound > 0) || double.IsInfinity(LogScaleBound)) throw Invalid(nameof(LogScaleBound), LogScaleBound, "must be positive and finite");
    }

    private static ArgumentOutOfRangeException Invalid(string option, object value, string rule) =>
        new(option, value, Invariant($"FlowOptions.{option} {rule} (got {value})."));
}
