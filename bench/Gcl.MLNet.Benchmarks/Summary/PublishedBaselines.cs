namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The scikit-learn 1.2.1 baselines of ../shared/data/README.md, copied from its tables: held-out log-likelihood
/// (nats per row, standardized units) on the density sets, AUROC (unsupervised protocol) on the anomaly sets.
/// </summary>
internal static class PublishedBaselines
{
    /// <summary>Density set → single Gaussian, Gaussian mixture (BIC), Gaussian KDE (CV).</summary>
    public static readonly IReadOnlyDictionary<string, (double Gaussian, double Mixture, double Kde)> Density =
        new Dictionary<string, (double, double, double)>
        {
            ["wdbc"] = (-17.24, -12.91, -30.27),
            ["vehicle_deq"] = (-7.03, -2.69, -9.49),
        };

    /// <summary>Anomaly set → IsolationForest, LOF, OneClassSVM, Gaussian mixture, Gaussian KDE.</summary>
    public static readonly IReadOnlyDictionary<string, (double IsolationForest, double Lof, double OneClassSvm, double Mixture, double Kde)> Anomaly =
        new Dictionary<string, (double, double, double, double, double)>
        {
            ["wbc"] = (0.899, 0.912, 0.863, 0.451, 0.871),
            ["wine"] = (0.813, 0.890, 0.621, 0.512, 0.617),
        };
}
