namespace Gcl.MLNet.Training;

/// <summary>Facts about the training data that only the caller reading it knows, for the training summary.</summary>
/// <param name="TrainingRows">Rows used for training (validation rows excluded).</param>
/// <param name="SkippedRows">Rows left out because a feature was NaN or infinite.</param>
internal sealed record TrainingDataFacts(long TrainingRows, long SkippedRows);
