using static TorchSharp.torch;

namespace Gcl.MLNet.Energy;

/// <summary>
/// A fixed, centred density over standardized rows, broader than the data: the defensive component of the tilted
/// energy's base (so that exp(-E) never falls off a cliff far from the data) and of the importance-sampling
/// proposal (so that the weights stay bounded wherever the model has mass).
/// </summary>
internal abstract class BroadDensity
{
    /// <summary>Draws <paramref name="count"/> rows [count, <paramref name="dimension"/>] in <paramref name="dtype"/>.</summary>
    public abstract Tensor Sample(long count, int dimension, ScalarType dtype, Generator generator);

    /// <summary>The log-density of each row of <paramref name="points"/> [m, d], as [m] in their dtype.</summary>
    public abstract Tensor LogProb(Tensor points);

    /// <summary>The log-density of one row (the managed scoring path), in double precision.</summary>
    public abstract double LogProb(ReadOnlySpan<float> point);

    /// <summary>|u|² of one row, in double precision.</summary>
    protected static double SquaredNorm(ReadOnlySpan<float> point)
    {
        double sum = 0;
        foreach (float v in point) sum += (double)v * v;
        return sum;
    }
}
