namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Resident-set samples over a long run: the peak is reset at the start; the sample taken at the end of warm-up is
/// the baseline; growth is the last sample against it. Steady = the range of the samples after warm-up.
/// </summary>
internal sealed class MemoryTrace
{
    private readonly List<double> afterWarmUp = [];
    private double warm = double.NaN;

    /// <summary>Starts a trace: resets the peak (VmHWM).</summary>
    public MemoryTrace(string what)
    {
        What = what;
        ResidentMemory.ResetPeak();
    }

    /// <summary>What ran.</summary>
    public string What { get; }

    /// <summary>How fast it ran (set when it ends).</summary>
    public string Speed { get; set; } = "";

    /// <summary>RSS at the end of warm-up, MiB.</summary>
    public double WarmMiB => warm;

    /// <summary>RSS at the last sample, MiB.</summary>
    public double EndMiB => afterWarmUp.Count > 0 ? afterWarmUp[^1] : double.NaN;

    /// <summary>Lowest and highest RSS after warm-up, MiB.</summary>
    public (double Min, double Max) Steady => (afterWarmUp.Min(), afterWarmUp.Max());

    /// <summary>Peak RSS (VmHWM) since the trace started, MiB.</summary>
    public double PeakMiB { get; private set; }

    /// <summary>Growth of the end over the warm-up baseline, percent.</summary>
    public double GrowthPercent => 100 * (EndMiB - WarmMiB) / WarmMiB;

    /// <summary>Samples RSS; <paramref name="warmedUp"/> marks samples from the end of warm-up on.</summary>
    public void Sample(bool warmedUp)
    {
        if (!warmedUp) return;
        double now = ResidentMemory.CurrentMiB();
        if (double.IsNaN(warm)) warm = now;
        afterWarmUp.Add(now);
        PeakMiB = ResidentMemory.PeakMiB();
    }
}
