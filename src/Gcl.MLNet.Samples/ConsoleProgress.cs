namespace Gcl.MLNet.Samples;

/// <summary>Prints training progress as it happens (synchronously, unlike <see cref="Progress{T}"/>), with an ETA per stage.</summary>
internal sealed class ConsoleProgress : IProgress<TrainingProgress>
{
    private TrainingPhase? phase;
    private TimeSpan phaseStart;

    public void Report(TrainingProgress value)
    {
        if (value.Phase != phase)
        {
            phase = value.Phase;
            phaseStart = value.Elapsed;
        }
        bool warmStartEpochToSkip = value.Phase == TrainingPhase.WarmStart && value.Step % 10 != 0;
        if (warmStartEpochToSkip) return;
        double done = value.TotalSteps > 0 ? (double)value.Step / value.TotalSteps : 1;
        var stageTime = value.Elapsed - phaseStart;
        string eta = done > 0 && done < 1 ? $", at most {TimeSpan.FromSeconds(stageTime.TotalSeconds * (1 - done) / done):mm\\:ss} left in this stage" : string.Empty;
        Console.WriteLine($"  {value.Describe()}{eta}");
    }
}
