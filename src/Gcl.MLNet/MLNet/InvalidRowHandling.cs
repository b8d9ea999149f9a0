namespace Gcl.MLNet.MLNet;

/// <summary>What to do with a row whose features contain NaN or infinity.</summary>
public enum InvalidRowHandling
{
    /// <summary>Fail with an error that names the row (training) or the row's position (scoring). The default.</summary>
    Reject,

    /// <summary>Training: leave the row out and count it. Scoring: emit NaN outputs for the row.</summary>
    Skip,
}
