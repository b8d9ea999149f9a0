using System.Globalization;

namespace Gcl.MLNet.Training;

/// <summary>
/// The checks behind <see cref="TrainingSummary.Warnings"/>: what makes a fit untrustworthy as a normalized density,
/// each said in one sentence with what to do about it.
/// </summary>
internal static class FitWarnings
{
    /// <summary>Share of held-out rows with the tilt at its bound above which the tilt is said to be pinned.</summary>
    public const double SaturationLimit = 0.5;

    /// <summary>The warnings for a fit with these facts (raw-unit validation log-likelihoods per row).</summary>
    public static IReadOnlyList<string> Of(LogPartitionEstimate partition, IReadOnlyList<int> constantFeatures,
        double validationLogLikelihood, double gaussianValidationLogLikelihood, double tiltSaturation, double trainingNoise)
    {
        var warnings = new List<string>();
        if (!partition.IsReliable)
        {
            warnings.Add(Invariant($"log Z is not reliable ({partition.Describe()}): log-densities may be off by a constant; raise PartitionSamples or lower TiltBound."));
        }
        if (constantFeatures.Count > 0)
        {
            string density = trainingNoise > 0 ? Invariant($"that of the training noise (standard deviation {trainingNoise} in raw units)") : "a spike (TrainingNoise is 0)";
            warnings.Add(Invariant($"Features {string.Join(", ", constantFeatures)} are constant: their density is {density}, so absolute log-densities carry an arbitrary offset; rankings are unaffected. Drop them for a meaningful density."));
        }
        if (validationLogLikelihood < gaussianValidationLogLikelihood)
        {
            warnings.Add(Invariant($"Held-out rows fit worse than a single Gaussian ({validationLogLikelihood:F3} against {gaussianValidationLogLikelihood:F3} nats per row): the model overfits or has collapsed; try smaller networks (FlowBlocks, FlowHiddenWidth), more TrainingNoise, or more rows."));
        }
        if (tiltSaturation > SaturationLimit)
        {
            warnings.Add(Invariant($"The tilt is at its bound on {100 * tiltSaturation:F0}% of held-out rows: energy and flow disagree everywhere; raise TiltBound or check the data."));
        }
        return warnings;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
