using ScottPlot;

namespace Gcl.MLNet.Samples;

/// <summary>
/// The density command's plots for one fitted 2-D model, drawn with ScottPlot on a square box around the training
/// data. The model is scored once on a <see cref="GridSize"/> x <see cref="GridSize"/> grid over that box.
/// </summary>
internal sealed class DensityPlots
{
    /// <summary>Width and height of every PNG, in pixels.</summary>
    public const int ImageSize = 600;

    /// <summary>Grid points per axis for the heat map, the contours and the marginal density.</summary>
    public const int GridSize = 150;

    private readonly ToyDensity toy;
    private readonly double[] xs, ys;
    private readonly double[,] energy, logDensity;
    private readonly float[][] train;

    /// <summary>Scores <paramref name="model"/> on the grid around <paramref name="train"/>.</summary>
    public DensityPlots(ToyDensity toy, EnergyModel model, float[][] train)
    {
        this.toy = toy;
        this.train = train;
        double centreX = (train.Min(r => r[0]) + train.Max(r => r[0])) / 2, centreY = (train.Min(r => r[1]) + train.Max(r => r[1])) / 2;
        double half = Math.Max(train.Max(r => Math.Abs(r[0] - centreX)), train.Max(r => Math.Abs(r[1] - centreY))) + 0.5;
        xs = Axis(centreX, half);
        ys = Axis(centreY, half);
        var rows = new float[GridSize * GridSize * 2];
        for (int j = 0; j < GridSize; j++)
        {
            for (int i = 0; i < GridSize; i++)
            {
                rows[2 * (j * GridSize + i)] = (float)xs[i];
                rows[2 * (j * GridSize + i) + 1] = (float)ys[j];
            }
        }
        var e = new float[GridSize * GridSize];
        var log = new float[GridSize * GridSize];
        model.Score(rows, e, log);
        energy = new double[GridSize, GridSize];
        logDensity = new double[GridSize, GridSize];
        for (int j = 0; j < GridSize; j++)
        {
            for (int i = 0; i < GridSize; i++)
            {
                energy[j, i] = e[j * GridSize + i];
                logDensity[j, i] = log[j * GridSize + i];
            }
        }
        MassInPlot = Sum(logDensity) * CellWidth * CellWidth;
    }

    /// <summary>The model's probability mass inside the plotted box (near 1 when log Z is right and the box holds the data).</summary>
    public double MassInPlot { get; }

    private double CellWidth => xs[1] - xs[0];

    /// <summary>Writes the four plots; returns their paths.</summary>
    public IReadOnlyList<string> Write(string outputDirectory, float[][] samples, float[][] test)
    {
        string Path(string kind) => System.IO.Path.Combine(outputDirectory, $"{toy.Name}-{kind}.png");
        return
        [
            Save(Points(train, "training data", Colors.SteelBlue), Path("data")),
            Save(Points(samples, "energy-model samples", Colors.DarkOrange), Path("samples")),
            Save(EnergyMap(), Path("energy")),
            Save(Marginal(test), Path("density")),
        ];
    }

    private Plot Points(float[][] rows, string title, Color color)
    {
        var plot = Square($"{toy.Name}: {title} ({rows.Length})");
        var points = plot.Add.ScatterPoints(rows.Select(r => (double)r[0]).ToArray(), rows.Select(r => (double)r[1]).ToArray(), color);
        points.MarkerSize = 3;
        return plot;
    }

    private Plot EnergyMap()
    {
        var plot = Square($"{toy.Name}: energy E(u) with contours");
        // Rows of a heat map run top to bottom: row 0 is the largest y.
        var shown = new double[GridSize, GridSize];
        double low = energy.Cast<double>().Min(), high = low + 12;
        for (int j = 0; j < GridSize; j++)
        {
            for (int i = 0; i < GridSize; i++) shown[GridSize - 1 - j, i] = Math.Min(energy[j, i], high);
        }
        var heatmap = plot.Add.Heatmap(shown);
        heatmap.Extent = new CoordinateRect(xs[0] - CellWidth / 2, xs[^1] + CellWidth / 2, ys[0] - CellWidth / 2, ys[^1] + CellWidth / 2);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        var contour = new Coordinates3d[GridSize, GridSize];
        for (int j = 0; j < GridSize; j++)
        {
            for (int i = 0; i < GridSize; i++) contour[j, i] = new Coordinates3d(xs[i], ys[j], Math.Min(energy[j, i], high));
        }
        var lines = plot.Add.ContourLines(contour, 8);
        lines.LineColor = Colors.White;
        lines.LabelStyle.IsVisible = false;
        return plot;
    }

    private Plot Marginal(float[][] test)
    {
        var plot = new Plot();
        plot.Title($"{toy.Name}: density of x, model vs held-out data");
        plot.XLabel("x");
        plot.YLabel("density");
        const int bins = 40;
        double lowest = xs[0] - CellWidth / 2, width = (xs[^1] + CellWidth / 2 - lowest) / bins;
        var counts = new double[bins];
        foreach (var row in test) counts[Math.Clamp((int)((row[0] - lowest) / width), 0, bins - 1)]++;
        var histogram = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => lowest + (b + 0.5) * width).ToArray(),
            counts.Select(c => c / (test.Length * width)).ToArray());
        foreach (var bar in histogram.Bars) bar.Size = width;
        histogram.Color = Colors.LightGray;
        histogram.LegendText = $"held-out data ({test.Length} rows)";
        var model = plot.Add.ScatterLine(xs, xs.Select((_, i) => Enumerable.Range(0, GridSize).Sum(j => Math.Exp(logDensity[j, i])) * CellWidth).ToArray());
        model.LineWidth = 2;
        model.LegendText = "model: exp(LogDensity) integrated over y";
        var truth = plot.Add.ScatterLine(xs, xs.Select(x => ys.Sum(y => Math.Exp(toy.LogDensity(x, y))) * CellWidth).ToArray());
        truth.LinePattern = LinePattern.Dashed;
        truth.LegendText = "true density";
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0, top: 0.3); // room for the legend above the curves
        return plot;
    }

    private Plot Square(string title)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.Axes.SetLimits(xs[0], xs[^1], ys[0], ys[^1]);
        return plot;
    }

    private static string Save(Plot plot, string path)
    {
        plot.SavePng(path, ImageSize, ImageSize);
        return path;
    }

    private static double[] Axis(double centre, double half) =>
        Enumerable.Range(0, GridSize).Select(i => centre - half + 2 * half * i / (GridSize - 1)).ToArray();

    private static double Sum(double[,] logValues) => logValues.Cast<double>().Sum(Math.Exp);
}
