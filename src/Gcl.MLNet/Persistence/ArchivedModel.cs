
namespace Gcl.MLNet.Persistence;

/// <summary>Everything a model archive holds, in memory: the model and what the transformer needs around it.</summary>
/// <param name="Model">The fitted model.</param>
/// <param name="FeatureColumn">Feature column name.</param>
/// <param name="FeatureNames">Feature names, when known.</param>
/// <param name="InvalidRows">What scoring does with NaN or infinite features.</param>
/// <param name="Options">Training options, when known.</param>
/// <param name="Extra">Further entries (see <see cref="ArchiveEntry"/>).</param>
internal sealed record ArchivedModel(
    EnergyModel Model,
    string FeatureColumn,
    IReadOnlyList<string>? FeatureNames,
    InvalidRowHandling InvalidRows,
    EnergyModelOptions? Options,
    IReadOnlyList<ArchiveEntry> Extra);
