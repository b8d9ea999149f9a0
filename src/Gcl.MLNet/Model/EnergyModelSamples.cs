namespace Gcl.MLNet;

/// <summary>
/// Rows drawn from a fitted model in raw units, with their energy and log-density, and how they were drawn: the
/// source, how many candidate rows it took, and the effective sample size behind them.
/// </summary>
public sealed class EnergyModelSamples
{
    internal EnergyModelSamples(float[] rows, float[] energy, float[] logDensity, SampleSource source, long proposals, double effectiveSampleSize)
    {
        Rows = rows;
        Energy = energy;
        LogDensity = logDensity;
        Source = source;
        Proposals = proposals;
        EffectiveSampleSize = effectiveSampleSize;
    }

    /// <summary>The rows, row-major (<see cref="Count"/> times the feature count values).</summary>
    /// <value>Raw-unit features.</value>
    public float[] Rows { get; }

    /// <summary>E(u) of each row.</summary>
    /// <value>One value per row.</value>
    public float[] Energy { get; }

    /// <summary>The model's normalized raw-unit log-density of each row (what scoring reports).</summary>
    /// <value>One value per row.</value>
    public float[] LogDensity { get; }

    /// <summary>Number of rows.</summary>
    /// <value>The count asked for.</value>
    public int Count => Energy.Length;

    /// <summary>The density the rows come from.</summary>
    /// <value>The source asked for.</value>
    public SampleSource Source { get; }

    /// <summary>
    /// Candidate rows drawn to produce these: for rejection sampling <see cref="Count"/> / Proposals is the acceptance
    /// rate; for importance resampling it is the pool resampled from; for the generator it equals <see cref="Count"/>.
    /// </summary>
    /// <value>At least <see cref="Count"/>.</value>
    public long Proposals { get; }

    /// <summary>
    /// How many independent draws the rows are worth: <see cref="Count"/> for exact draws (rejection, generator); for
    /// importance resampling, the effective sample size (Σw)²/Σw² of the pool's weights (rows drawn from a pool with a
    /// small effective size repeat).
    /// </summary>
    /// <value>Between 1 and <see cref="Proposals"/>.</value>
    public double EffectiveSampleSize { get; }

    /// <summary>Deconstructs into rows, energies and log-densities.</summary>
    /// <param name="rows">Receives <see cref="Rows"/>.</param>
    /// <param name="energy">Receives <see cref="Energy"/>.</param>
    /// <param name="logDensity">Receives <see cref="LogDensity"/>.</param>
    public void Deconstruct(out float[] rows, out float[] energy, out float[] logDensity)
    {
        rows = Rows;
        energy = Energy;
        logDensity = LogDensity;
    }
}
