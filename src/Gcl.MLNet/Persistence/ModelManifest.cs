using Gcl.MLNet.Model;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// <c>manifest.json</c> of the model archive: format name and version, the library that wrote it, the feature
/// column, count and names, the standardizer, the architecture, the options used, the threshold, the quantiles of
/// the training scores, the seed, the training summary (log Z with its diagnostics included), and the length and
/// SHA-256 of every other entry.
/// </summary>
internal sealed record ModelManifest
{
    /// <summary>The format name every archive carries.</summary>
    public const string FormatName = "Gcl.MLNet.EnergyModel";

    /// <summary>The newest version this library writes and reads (files without a kernel term are written as <see cref="ModelFormat.VersionWithoutKernel"/>).</summary>
    public const int CurrentVersion = ModelFormat.Version;

    /// <summary>Gets the format name; must be <see cref="FormatName"/>.</summary>
    public required string Format { get; init; }

    /// <summary>Gets the format version.</summary>
    public required int FormatVersion { get; init; }

    /// <summary>Gets the version of the library that wrote the archive.</summary>
    public required string LibraryVersion { get; init; }

    /// <summary>Gets the feature column name the model reads.</summary>
    public required string FeatureColumn { get; init; }

    /// <summary>Gets the number of features.</summary>
    public required int FeatureCount { get; init; }

    /// <summary>Gets the feature names (the training column's slot names), when known.</summary>
    public IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>Gets what scoring does with NaN or infinite features.</summary>
    public required InvalidRowHandling InvalidRows { get; init; }

    /// <summary>Gets the standardizer.</summary>
    public required SavedStandardizer Standardizer { get; init; }

    /// <summary>Gets the module architecture.</summary>
    public required ModelArchitecture Architecture { get; init; }

    /// <summary>Gets the options used for training, when known.</summary>
    public EnergyModelOptions? Options { get; init; }

    /// <summary>Gets the anomaly threshold on Score.</summary>
    public required double ScoreThreshold { get; init; }

    /// <summary>Gets the quantiles of the training scores; absent in files written before 0.2 stored them.</summary>
    public SavedScoreQuantiles? ScoreQuantiles { get; init; }

    /// <summary>Gets the seed training used.</summary>
    public required long Seed { get; init; }

    /// <summary>Gets the training summary, with the final log Z and its diagnostics.</summary>
    public required TrainingSummary Summary { get; init; }

    /// <summary>Gets the digest of every other entry, by entry name.</summary>
    public required IReadOnlyDictionary<string, EntryDigest> Entries { get; init; }
}

/// <summary>The standardizer's arrays.</summary>
/// <param name="Mean">Per-feature means.</param>
/// <param name="Scale">Per-feature scales.</param>
/// <param name="ConstantFeatures">Indices of the features that were constant.</param>
internal sealed record SavedStandardizer(double[] Mean, double[] Scale, int[] ConstantFeatures);

/// <summary>The quantiles of the training scores (see <c>Training.TrainingScores</c>).</summary>
/// <param name="Probabilities">The probabilities, from 0 to 1.</param>
/// <param name="Scores">The score quantiles at them.</param>
internal sealed record SavedScoreQuantiles(double[] Probabilities, double[] Scores);
