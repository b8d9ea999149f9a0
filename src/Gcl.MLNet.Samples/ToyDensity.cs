namespace Gcl.MLNet.Samples;

/// <summary>
/// A 2-D toy density: an equal mixture of isotropic Gaussians (standard deviation <see cref="Noise"/>) centred on
/// <see cref="Centres"/>. Dense centres along a curve make two moons or rings; eight centres make 8 Gaussians. The
/// same mixture gives seeded samples and the exact log-density, the reference for the model's held-out likelihood.
/// </summary>
internal sealed record ToyDensity(string Name, (double X, double Y)[] Centres, double Noise)
{
    private const int CurvePoints = 1000;

    /// <summary>The three sets the density command fits.</summary>
    public static IReadOnlyList<ToyDensity> All { get; } = [TwoMoons(), Rings(), EightGaussians()];

    /// <summary>Two interleaved half circles (scikit-learn's make_moons), noise 0.1.</summary>
    public static ToyDensity TwoMoons() => new("two-moons", Curve(t => (Math.Cos(Math.PI * t), Math.Sin(Math.PI * t)))
        .Concat(Curve(t => (1 - Math.Cos(Math.PI * t), 0.5 - Math.Sin(Math.PI * t)))).ToArray(), 0.1);

    /// <summary>Two concentric circles of radius 1 and 2, noise 0.08.</summary>
    public static ToyDensity Rings() => new("rings", Curve(t => (Math.Cos(2 * Math.PI * t), Math.Sin(2 * Math.PI * t)))
        .Concat(Curve(t => (2 * Math.Cos(2 * Math.PI * t), 2 * Math.Sin(2 * Math.PI * t)))).ToArray(), 0.08);

    /// <summary>Eight Gaussians on a circle of radius 2, standard deviation 0.2.</summary>
    public static ToyDensity EightGaussians() => new("eight-gaussians",
        Enumerable.Range(0, 8).Select(k => (2 * Math.Cos(k * Math.PI / 4), 2 * Math.Sin(k * Math.PI / 4))).ToArray(), 0.2);

    /// <summary><paramref name="count"/> rows drawn with <paramref name="random"/>.</summary>
    public float[][] Sample(int count, Random random) => Enumerable.Range(0, count).Select(_ =>
    {
        var (x, y) = Centres[random.Next(Centres.Length)];
        return new[] { (float)(x + Noise * Normal(random)), (float)(y + Noise * Normal(random)) };
    }).ToArray();

    /// <summary>The exact log-density at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public double LogDensity(double x, double y)
    {
        double variance = Noise * Noise;
        var terms = Centres.Select(c => -((x - c.X) * (x - c.X) + (y - c.Y) * (y - c.Y)) / (2 * variance)).ToArray();
        double max = terms.Max();
        return max + Math.Log(terms.Sum(t => Math.Exp(t - max)) / Centres.Length) - Math.Log(2 * Math.PI * variance);
    }

    private static IEnumerable<(double, double)> Curve(Func<double, (double, double)> point) =>
        Enumerable.Range(0, CurvePoints).Select(i => point((i + 0.5) / CurvePoints));

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
