using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Samples;

/// <summary>
/// <c>density</c>: fits the energy model to three 2-D toy sets and writes, per set, four PNG plots of
/// <see cref="DensityPlots.ImageSize"/> pixels square (data, model samples, energy heat map with contours, learned
/// marginal density against the held-out data's histogram) and a summary CSV with the held-out log-likelihood next
/// to the true density's.
/// </summary>
internal static class DensityCommand
{
    /// <summary>Fits every toy set and writes the plots and <c>density-summary.csv</c> to <paramref name="outputDirectory"/>.</summary>
    public static void Run(string outputDirectory, bool quick)
    {
        Directory.CreateDirectory(outputDirectory);
        var mlContext = new MLContext(seed: 1);
        int trainRows = quick ? 1000 : 5000, testRows = quick ? 1000 : 2000;
        var summary = new List<string> { "set,held_out_log_likelihood,true_log_likelihood,mass_in_plot,log_z,log_z_standard_error,log_z_reliable" };
        foreach (var toy in ToyDensity.All)
        {
            var random = new Random(1);
            float[][] train = toy.Sample(trainRows, random), test = toy.Sample(testRows, random);
            Console.WriteLine($"{toy.Name}: fitting on {trainRows} rows ...");
            var clock = Stopwatch.StartNew();
            using var model = mlContext.Transforms.EnergyModel("Features", SampleBudgets.Options(quick)).Fit(Load(mlContext, train));

            double heldOut = model.Transform(Load(mlContext, test)).GetColumn<float>("LogDensity").Average(v => (double)v);
            double truth = test.Average(row => toy.LogDensity(row[0], row[1]));
            var samples = model.GenerateSamples(testRows, seed: 2).GetColumn<float[]>("Features").ToArray();
            var plots = new DensityPlots(toy, model.Model, train);
            var files = plots.Write(outputDirectory, samples, test);
            var partition = model.Model.Partition;
            Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F1} s; held-out log-likelihood {heldOut:F3} nats/row (true density {truth:F3}); " +
                $"density mass inside the plot {plots.MassInPlot:F3}");
            Console.WriteLine($"  {partition.Describe()}");
            foreach (string file in files) Console.WriteLine($"  wrote {file}");
            summary.Add(string.Join(',', toy.Name, Invariant(heldOut), Invariant(truth), Invariant(plots.MassInPlot),
                Invariant(partition.LogZ), Invariant(partition.StandardError), partition.IsReliable ? "true" : "false"));
        }
        string summaryPath = Path.Combine(outputDirectory, "density-summary.csv");
        File.WriteAllLines(summaryPath, summary);
        Console.WriteLine($"wrote {summaryPath}");
    }

    private static IDataView Load(MLContext mlContext, float[][] rows) =>
        mlContext.Data.LoadFromEnumerable(rows.Select(r => new Point { Features = r }));

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Point
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }
}
