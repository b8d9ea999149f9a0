namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// Gaussian-ish rows for speed measurements: standard normal features with a mild quadratic link between
/// neighbours (x_j = z_j + 0.3·z_(j-1)²), so the flow has some shape to fit. Seeded; speed does not depend on it.
/// </summary>
internal static class SyntheticRows
{
    /// <summary><paramref name="count"/> rows of <paramref name="dimension"/> features.</summary>
    public static float[][] Create(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count][];
        for (int i = 0; i < count; i++)
        {
            var z = new double[dimension];
            for (int j = 0; j < dimension; j++) z[j] = Normal(random);
            rows[i] = new float[dimension];
            for (int j = 0; j < dimension; j++) rows[i][j] = (float)(z[j] + (j > 0 ? 0.3 * z[j - 1] * z[j - 1] : 0));
        }
        return rows;
    }

    /// <summary>The rows end to end (row-major), as <c>EnergyModel.Score</c> and ONNX Runtime take them.</summary>
    public static float[] Flat(float[][] rows) => rows.SelectMany(r => r).ToArray();

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
