using System.Globalization;
using System.Text.Json;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using static TorchSharp.torch;
using DataType = Gcl.MLNet.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Exports a fitted <see cref="EnergyModel"/> as two self-contained ONNX models (DESIGN.md section 5). Scoring:
/// raw rows in, <c>Energy</c>, <c>LogDensity = -E(u) - log Z - sum(log s)</c>, <c>Score = -LogDensity</c>,
/// <c>PredictedLabel = Score &gt; threshold</c> and <c>Probability</c> (the empirical CDF of the training scores,
/// <see cref="OnnxScoreProbability"/>) out, with standardization and log Z inside the graph. Generator:
/// standard-normal <c>Noise</c> in, the generator's <c>Samples</c> in raw units with their <c>Energy</c> and
/// <c>LogDensity</c> out (draws from the generator q, not from the energy model exp(-E)/Z, which needs rejection). The scoring graph applies the input-range rule of <see cref="InputRange"/>; on NaN
/// input it returns NaN Energy, LogDensity and Score and a false PredictedLabel, on ±infinity Energy and Score +inf,
/// LogDensity -inf and a true PredictedLabel (a graph cannot throw). Both carry the model's facts as metadata
/// properties (keys below), <c>model_version</c> (<see cref="ModelFormat.OnnxModelVersion"/>) and a <c>doc_string</c>
/// on the graph and on every input and output that says what it holds and in which units.
/// </summary>
internal static class EnergyModelOnnxExporter
{
    /// <summary>The scoring model's default input name: ML.NET's default feature column.</summary>
    public const string DefaultInputName = "Features";

    /// <summary>The sampling model's input: standard-normal noise <c>[N, d]</c>.</summary>
    public const string NoiseInput = "Noise";

    /// <summary>Output names, plain so that hosts bind them as they are.</summary>
    public const string EnergyOutput = "Energy", LogDensityOutput = "LogDensity", ScoreOutput = "Score",
        PredictedLabelOutput = "PredictedLabel", ProbabilityOutput = "Probability", SamplesOutput = "Samples";

    /// <summary>Metadata keys written into both models.</summary>
    public const string ProducerKey = "producer", VersionKey = "producer_version", KindKey = "model_kind",
        FeatureCountKey = "feature_count", FeatureNamesKey = "feature_names", LogZKey = "log_z",
        LogZStandardErrorKey = "log_z_standard_error", LogZReliableKey = "log_z_reliable", ThresholdKey = "score_threshold";

    private static readonly string[] ScoringOutputs = [EnergyOutput, LogDensityOutput, ScoreOutput, PredictedLabelOutput, ProbabilityOutput];

    private const string EnergyDoc = "Energy E(u) in nats, one per row: the learned energy of the standardized row u = (x - mean) / scale " +
        "(clamped to +-1000 training standard deviations, with a finite penalty for the excess).";

    private const string LogDensityDoc = "Log-density log p(x) in nats, one per row, normalized in the raw feature units: -Energy - log Z - sum(log scale).";

    /// <summary>The scoring model's bytes.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="inputName">Name of the input <c>[N, d]</c> (the feature column), not one of the output names.</param>
    /// <param name="featureNames">Feature names for the metadata (d of them), or null.</param>
    /// <param name="emitters">The emitter registry; null for <see cref="OnnxEmitters.Standard"/>.</param>
    /// <exception cref="ArgumentException">The input name is empty or taken, or the feature names do not match d.</exception>
    /// <exception cref="NotSupportedException">A layer of the model has no emitter (the message names it).</exception>
    public static byte[] Scoring(EnergyModel model, string inputName = DefaultInputName,
        IReadOnlyList<string>? featureNames = null, OnnxEmitters? emitters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var lease = model.Enter();
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        if (ScoringOutputs.Contains(inputName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The input name '{inputName}' is taken by an output ({string.Join(", ", ScoringOutputs)}).", nameof(inputName));
        }
        return Export(model, featureNames, "scoring", graph =>
        {
            graph.GraphDoc = "Gcl.MLNet energy-based density model (Finn et al. 2016), scoring: raw feature rows in; their energy, " +
                "normalized log-density, anomaly score, predicted label and outlier probability out. Standardization and log Z are in the graph.";
            var x = graph.AddInput(inputName, $"Feature rows [N, {model.FeatureCount}] in the training data's raw units, features in training order " +
                $"(metadata '{FeatureNamesKey}' names them when known). NaN rows give NaN outputs.", DataType.Float, model.FeatureCount);
            var mean = model.Standardizer.Mean;
            var scale = model.Standardizer.Scale;
            var (u, penalty) = graph.ClampInputRange(x, graph.Standardize(x, mean, scale), mean, scale, InputRange.Bound);
            var energy = graph.Add((emitters ?? OnnxEmitters.Standard()).Emit(graph, model.Energy, u), penalty);
            var logDensity = LogDensity(graph, model, energy);
            var score = graph.Neg(logDensity);
            string threshold = model.ScoreThreshold.ToString("R", CultureInfo.InvariantCulture);
            graph.AddOutput(energy, EnergyOutput, EnergyDoc, DataType.Float);
            graph.AddOutput(logDensity, LogDensityOutput, LogDensityDoc, DataType.Float);
            graph.AddOutput(score, ScoreOutput, "Anomaly score in nats, one per row: -LogDensity; higher is more anomalous.", DataType.Float);
            graph.AddOutput(graph.Greater(score, graph.Scalar((float)model.ScoreThreshold)), PredictedLabelOutput,
                $"Predicted anomaly, one per row: Score > {threshold} (metadata '{ThresholdKey}').", DataType.Bool);
            graph.AddOutput(graph.Probability(score, model.ScoreDistribution), ProbabilityOutput,
                "Outlier probability in [0, 1], one per row: the fraction of training rows with a lower Score (piecewise-linear " +
                "empirical CDF through stored quantiles of the training scores); 0 at or below the lowest, 1 at or above the highest.", DataType.Float);
        });
    }

    /// <summary>The generator model's bytes (kind "sampling" in the metadata): draws from the generator q.</summary>
    /// <param name="model">The fitted model.</param>
    /// <param name="featureNames">Feature names for the metadata (d of them), or null.</param>
    /// <param name="emitters">The emitter registry; null for <see cref="OnnxEmitters.Standard"/>.</param>
    /// <exception cref="ArgumentException">The feature names do not match d.</exception>
    /// <exception cref="NotSupportedException">A layer of the model has no emitter (the message names it).</exception>
    public static byte[] Generator(EnergyModel model, IReadOnlyList<string>? featureNames = null, OnnxEmitters? emitters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var lease = model.Enter();
        return Export(model, featureNames, "sampling", graph =>
        {
            graph.GraphDoc = "Gcl.MLNet energy-based density model (Finn et al. 2016), generator: standard-normal noise in; rows drawn " +
                "from the fitted generator flow q (not from the energy model exp(-E)/Z) in raw feature units, with their energy and the energy model's log-density, out.";
            var registry = emitters ?? OnnxEmitters.Standard();
            var noise = graph.AddInput(NoiseInput, $"Standard-normal noise [N, {model.FeatureCount}], one row per sample to draw.", DataType.Float, model.FeatureCount);
            var u = registry.Emit<ForwardFlowStep>(graph, model.Generator, noise).Output;
            var energy = registry.Emit(graph, model.Energy, u);
            graph.AddOutput(graph.Unstandardize(u, model.Standardizer.Mean, model.Standardizer.Scale), SamplesOutput,
                $"Drawn rows [N, {model.FeatureCount}] in the training data's raw units, features in training order.", DataType.Float, model.FeatureCount);
            graph.AddOutput(energy, EnergyOutput, EnergyDoc, DataType.Float);
            graph.AddOutput(LogDensity(graph, model, energy), LogDensityOutput, LogDensityDoc, DataType.Float);
        });
    }

    private static byte[] Export(EnergyModel model, IReadOnlyList<string>? featureNames, string kind, Action<OnnxGraphBuilder> build)
    {
        if (featureNames != null && featureNames.Count != model.FeatureCount)
        {
            throw new ArgumentException($"Got {featureNames.Count} feature names for a model of {model.FeatureCount} features.", nameof(featureNames));
        }
        TorchRuntime.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var graph = new OnnxGraphBuilder($"gcl_mlnet_{kind}") { ModelVersion = ModelFormat.OnnxModelVersion };
        build(graph);
        graph.AddMetadata(ProducerKey, OnnxGraphBuilder.ProducerName);
        graph.AddMetadata(VersionKey, typeof(EnergyModelOnnxExporter).Assembly.GetName().Version?.ToString() ?? "0");
        graph.AddMetadata(KindKey, kind);
        graph.AddMetadata(FeatureCountKey, model.FeatureCount.ToString(CultureInfo.InvariantCulture));
        if (featureNames != null) graph.AddMetadata(FeatureNamesKey, JsonSerializer.Serialize(featureNames));
        graph.AddMetadata(LogZKey, model.Partition.LogZ.ToString("R", CultureInfo.InvariantCulture));
        graph.AddMetadata(LogZStandardErrorKey, model.Partition.StandardError.ToString("R", CultureInfo.InvariantCulture));
        graph.AddMetadata(LogZReliableKey, model.Partition.IsReliable ? "true" : "false");
        graph.AddMetadata(ThresholdKey, model.ScoreThreshold.ToString("R", CultureInfo.InvariantCulture));
        return graph.Build();
    }

    // LogDensity = (sum(-log s) - log Z) - E, the constant folded in double precision.
    private static string LogDensity(OnnxGraphBuilder graph, EnergyModel model, string energy) =>
        graph.Sub(graph.Scalar((float)(model.Standardizer.LogDetToRaw - model.Partition.LogZ)), energy);
}
