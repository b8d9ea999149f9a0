using System.Globalization;
using SkiaSharp;
using Xunit;

namespace Gcl.MLNet.Samples.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed class DensityCommandTests
{
    private static readonly string[] Kinds = ["data", "samples", "energy", "density"];

    [Fact]
    public void Quick_run_writes_four_600x600_plots_per_set_and_a_summary_of_normalized_fits()
    {
        using var folder = new TemporaryFolder();

        Assert.Equal(0, SampleCommands.Run(["density", "--quick", "--out", folder.Path]));

        foreach (var toy in ToyDensity.All)
        {
            foreach (string kind in Kinds)
            {
                string path = folder.File($"{toy.Name}-{kind}.png");
                Assert.Equal((DensityPlots.ImageSize, DensityPlots.ImageSize), Png.Size(path));
                using var bitmap = SKBitmap.Decode(path);
                Assert.Equal(600, bitmap.Width);
                Assert.True(Colours(bitmap) > 50, $"{path} looks blank");
            }
        }
        var rows = File.ReadAllLines(folder.File("density-summary.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(ToyDensity.All.Select(t => t.Name), rows.Select(r => r[0]));
        foreach (var row in rows)
        {
            double heldOut = Number(row[1]), truth = Number(row[2]), mass = Number(row[3]);
            // A normalized model cannot beat the true density by much on 1,000 held-out rows; the quick budget trails it.
            Assert.InRange(heldOut, truth - 3, truth + 0.2);
            // exp(LogDensity) summed over the plotted box: about 1 when log Z is right (some tail mass lies outside).
            Assert.InRange(mass, 0.85, 1.02);
        }
    }

    [Theory]
    [InlineData("two-moons")]
    [InlineData("rings")]
    [InlineData("eight-gaussians")]
    public void Toy_densities_integrate_to_one_and_their_samples_stay_near_the_centres(string name)
    {
        var toy = ToyDensity.All.Single(t => t.Name == name);
        const double step = 0.08;
        double mass = 0;
        for (double x = -4; x < 4; x += step)
        {
            for (double y = -4; y < 4; y += step) mass += Math.Exp(toy.LogDensity(x + step / 2, y + step / 2)) * step * step;
        }
        Assert.InRange(mass, 0.99, 1.01);
        var samples = toy.Sample(200, new Random(5));
        Assert.All(samples, s => Assert.True(toy.Centres.Min(c => Math.Sqrt(Math.Pow(s[0] - c.X, 2) + Math.Pow(s[1] - c.Y, 2))) < 6 * toy.Noise));
    }

    private static int Colours(SKBitmap bitmap) => bitmap.Pixels.Distinct().Count();

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
