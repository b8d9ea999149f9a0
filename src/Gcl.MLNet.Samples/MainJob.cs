using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Samples;

/// <summary>
/// The main job on the bundled Breast Cancer Wisconsin data: anomaly detection next to ML.NET's RandomizedPca,
/// held-out normalized log-likelihood with the log Z error bar, the features behind the three most anomalous held-out
/// rows, save and reload, ONNX export scored by ONNX Runtime.
/// Writes its outputs to a folder; exits non-zero when the reloaded model or the ONNX file disagree.
/// </summary>
internal static class MainJob
{
    private const int FeatureCount = 30;

    public static int Run(string outputDirectory, EnergyModelOptions options)
    {
        Directory.CreateDirectory(outputDirectory);
        var mlContext = new MLContext(seed: 1);
        string data = Path.Combine(AppContext.BaseDirectory, "Data");

        Console.WriteLine("1. Anomaly detection on wbc.csv (fit on all rows without labels, score the same rows)");
        var anomalies = mlContext.Data.LoadFromTextFile(Path.Combine(data, "wbc.csv"), new[]
        {
            new TextLoader.Column("Features", DataKind.Single, 0, FeatureCount - 1),
            new TextLoader.Column("Label", DataKind.Single, FeatureCount),
        }, separatorChar: ',', hasHeader: true);
        using var detector = mlContext.AnomalyDetection.Trainers.EnergyModel("Features", options).Fit(anomalies);
        double energyAuc = mlContext.AnomalyDetection.Evaluate(detector.Transform(anomalies)).AreaUnderRocCurve;
        var pca = mlContext.Transforms.NormalizeMeanVariance("Features")
            .Append(mlContext.AnomalyDetection.Trainers.RandomizedPca("Features", rank: 1, ensureZeroMean: true))
            .Fit(anomalies);
        double pcaAuc = mlContext.AnomalyDetection.Evaluate(pca.Transform(anomalies)).AreaUnderRocCurve;
        Console.WriteLine($"   AUC: energy model {energyAuc:F3}, RandomizedPca (rank 1) {pcaAuc:F3}");

        Console.WriteLine("2. Density estimation on density_wdbc (fit on train, score held-out test rows)");
        // TextLoader.Options with a header gives the feature vector the header's names as slot names (the model keeps them).
        var columns = new TextLoader.Options
        {
            Columns = [new TextLoader.Column("Features", DataKind.Single, 0, FeatureCount - 1)],
            Separators = [','],
            HasHeader = true,
        };
        var train = mlContext.Data.LoadFromTextFile(Path.Combine(data, "density_wdbc_train.csv"), columns);
        var test = mlContext.Data.LoadFromTextFile(Path.Combine(data, "density_wdbc_test.csv"), columns);
        using var density = mlContext.Transforms.EnergyModel("Features", options).Fit(train);
        var summary = density.Model.Summary;
        var logDensities = density.Transform(test).GetColumn<float>("LogDensity").ToArray();
        double heldOut = logDensities.Average(v => (double)v);
        var sorted = logDensities.Order().ToArray();
        Console.WriteLine($"   held-out log-likelihood {heldOut:F3} nats/row (raw units; {heldOut - summary.StandardizationLogDeterminant:F3} standardized)");
        Console.WriteLine($"   per row: median {sorted[sorted.Length / 2]:F3}, worst {sorted[0]:F3} (a few extreme rows dominate this set's mean)");
        Console.WriteLine($"   same flow by maximum likelihood, validation: {summary.FlowValidationLogLikelihood:F3}; energy model, validation: {summary.ValidationLogLikelihood:F3}");
        Console.WriteLine($"   {summary.Partition.Describe()}");
        Console.WriteLine(summary.IsReliable ? "   fit reliable: no warnings" : $"   fit NOT reliable: {string.Join(" ", summary.Warnings)}");
        var drawn = density.Model.Sample(1000, seed: 1);
        Console.WriteLine($"   1,000 samples from the energy model exp(-E)/Z: {drawn.Proposals:N0} candidates, acceptance {drawn.Count / (double)drawn.Proposals:P1}");
        Console.WriteLine("   the three most anomalous held-out rows and their largest feature contributions (nats, from the training mean):");
        var explanations = TopContributions.Describe(density, test, rows: 3, features: 3);
        foreach (string line in explanations) Console.WriteLine($"   {line}");

        Console.WriteLine("3. Save, reload, and check the reloaded model scores identically");
        string modelPath = Path.Combine(outputDirectory, "wdbc-energy-model.zip");
        density.Save(modelPath);
        using var reloaded = EnergyModelTransformer.Load(mlContext, modelPath);
        var reloadedDensities = reloaded.Transform(test).GetColumn<float>("LogDensity").ToArray();
        bool identical = logDensities.SequenceEqual(reloadedDensities);
        Console.WriteLine($"   {modelPath}: reloaded scores identical: {identical}");

        Console.WriteLine("4. Export ONNX and score the held-out rows with ONNX Runtime");
        string onnxPath = Path.Combine(outputDirectory, "wdbc-energy-model.onnx");
        using (var file = File.Create(onnxPath)) reloaded.ExportScoringOnnx(file);
        var features = test.GetColumn<float[]>("Features").ToArray();
        float[] onnxDensities = OnnxScoring.LogDensity(onnxPath, features);
        // The README's ONNX contract: within 1e-4 of the larger of the value and the terms it is computed from. A raw-unit
        // log-density adds -sum(log s) (40 nats for wdbc) to the standardized one, so a row near 0 is a cancellation.
        double terms = Math.Max(1, Math.Abs(summary.StandardizationLogDeterminant));
        double largestDifference = onnxDensities.Zip(logDensities, (a, b) => Math.Abs(a - b) / Math.Max(terms, Math.Abs(b))).Max();
        Console.WriteLine($"   {onnxPath}: largest LogDensity difference against TorchSharp {largestDifference:E2}, relative to the larger of the value and |sum log s| = {terms:F1}");

        string report = Path.Combine(outputDirectory, "report.md");
        File.WriteAllText(report, string.Join(Environment.NewLine,
            "# Gcl.MLNet main job",
            $"- anomaly AUC on wbc: energy model {energyAuc:F3}, RandomizedPca {pcaAuc:F3}",
            $"- held-out log-likelihood on wdbc: {heldOut:F3} nats/row raw, {heldOut - summary.StandardizationLogDeterminant:F3} standardized; median row {sorted[sorted.Length / 2]:F3}, worst {sorted[0]:F3}",
            $"- log Z: {summary.Partition.Describe()}",
            $"- fit reliable: {summary.IsReliable}{string.Concat(summary.Warnings.Select(w => " " + w))}",
            "- the three most anomalous held-out rows, largest feature contributions (nats):",
            string.Join(Environment.NewLine, explanations.Select(line => $"  - {line}")),
            $"- training: {summary.Duration.TotalSeconds:F1} s, best adversarial iteration {summary.BestIteration} of {summary.AdversarialIterations}",
            $"- reloaded model scores identical: {identical}",
            $"- ONNX Runtime against TorchSharp, largest LogDensity difference relative to the larger of the value and |sum log s|: {largestDifference:E2}",
            string.Empty));
        Console.WriteLine($"Outputs written to {Path.GetFullPath(outputDirectory)}");
        bool parity = largestDifference <= 1e-4;
        if (!identical || !parity) Console.Error.WriteLine("The reloaded model or the ONNX file did not score like the trained model.");
        return identical && parity ? 0 : 1;
    }
}
