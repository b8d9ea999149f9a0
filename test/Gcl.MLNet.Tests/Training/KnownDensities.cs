using Gcl.MLNet.Tests.Flows;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Training;

/// <summary>
/// Data sets drawn from a seed whose true log-density is known, for the training tests: two moons (a Gaussian blur
/// of two half circles, integrated numerically along the curves), a 4 x 4 checkerboard (uniform on its eight black
/// unit squares, so log p = -log 8 on every row), and the 5-D Gaussian mixture of <see cref="SyntheticDensities"/>.
/// </summary>
internal static class KnownDensities
{
    /// <summary>Standard deviation of the Gaussian noise around the moons (scikit-learn's make_moons noise).</summary>
    public const double MoonNoise = 0.1;

    /// <summary>Midpoints per half circle in the numerical integral of the two-moons density.</summary>
    private const int MoonQuadraturePoints = 2000;

    /// <summary>The true log-density of the checkerboard on its support.</summary>
    public static readonly double CheckerboardLogDensity = -Math.Log(8);

    /// <summary>
    /// Two moons as scikit-learn draws them: with probability ½ the upper half circle (cos t, sin t), else the lower
    /// one (1 - cos t, ½ - sin t), t uniform on [0, π], plus N(0, <see cref="MoonNoise"/>²I) noise.
    /// </summary>
    public static float[][] TwoMoons(int count, Random random) => Enumerable.Range(0, count).Select(_ =>
    {
        var (x, y) = MoonCurve(random.Next(2), Math.PI * random.NextDouble());
        return new[] { (float)(x + MoonNoise * Normal(random)), (float)(y + MoonNoise * Normal(random)) };
    }).ToArray();

    /// <summary>The true log-density of two moons at <paramref name="row"/>: the mean over both curves of the Gaussian noise density.</summary>
    public static double TwoMoonsLogDensity(float[] row)
    {
        var terms = new double[2 * MoonQuadraturePoints];
        for (int moon = 0; moon < 2; moon++)
        {
            for (int i = 0; i < MoonQuadraturePoints; i++)
            {
                var (x, y) = MoonCurve(moon, Math.PI * (i + 0.5) / MoonQuadraturePoints);
                double dx = row[0] - x, dy = row[1] - y;
                terms[moon * MoonQuadraturePoints + i] = -(dx * dx + dy * dy) / (2 * MoonNoise * MoonNoise);
            }
        }
        double max = terms.Max();
        double logMean = max + Math.Log(terms.Sum(t => Math.Exp(t - max)) / terms.Length);
        return logMean - Math.Log(2 * Math.PI * MoonNoise * MoonNoise);
    }

    /// <summary>Uniform draws on the eight black squares of the checkerboard over [-2, 2]²: (column + row) even.</summary>
    public static float[][] Checkerboard(int count, Random random) => Enumerable.Range(0, count).Select(_ =>
    {
        int square = random.Next(8);
        int column = square % 4;
        int row = 2 * (square / 4) + column % 2;
        return new[] { (float)(column - 2 + random.NextDouble()), (float)(row - 2 + random.NextDouble()) };
    }).ToArray();

    /// <summary>
    /// Training and test rows of <see cref="SyntheticDensities.GaussianMixture"/>, drawn in one batch from
    /// <paramref name="seed"/>, and the true mean log-density of the test rows.
    /// </summary>
    public static (float[][] Train, float[][] Test, double TrueLogLikelihood) GaussianMixture5(int trainCount, int testCount, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        var (rows, logProb) = SyntheticDensities.GaussianMixture(trainCount + testCount, generator);
        var values = rows.to(ScalarType.Float32).data<float>().ToArray();
        var all = Enumerable.Range(0, trainCount + testCount).Select(i => values.AsSpan(i * 5, 5).ToArray()).ToArray();
        return (all[..trainCount], all[trainCount..], logProb.data<double>().ToArray()[trainCount..].Average());
    }

    private static (double X, double Y) MoonCurve(int moon, double t) =>
        moon == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
