namespace Gcl.MLNet;

/// <summary>What to do with a row whose features contain NaN or infinity.</summary>
public enum InvalidRowHandling
{
    /// <summary>Fail with an error that names the column, the row index and the feature. The default.</summary>
    Reject,

    /// <summary>
    /// Training: leave the row out and count it. Scoring: emit NaN Energy, LogDensity and Score and a false
    /// PredictedLabel for the row. Rows of the wrong length are errors either way.
    /// </summary>
    Skip,
}
