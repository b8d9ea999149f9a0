using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Model;
using Gcl.MLNet.Native;
using Gcl.MLNet.Onnx;
using Gcl.MLNet.Onnx.Protobuf;
using Gcl.MLNet.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Onnx;

public sealed class EnergyModelOnnxExporterTests(ITestOutputHelper output)
{
    public static TheoryData<FlowLayerKind, EnergyNetworkKind, bool, int> Cases()
    {
        var cases = new TheoryData<FlowLayerKind, EnergyNetworkKind, bool, int>();
        foreach (var flow in new[] { FlowLayerKind.AffineCoupling, FlowLayerKind.RationalQuadraticSpline })
        {
            foreach (var energy in new[] { EnergyNetworkKind.TiltedFlow, EnergyNetworkKind.Mlp })
            {
                foreach (var realRows in new[] { true, false })
                {
                    foreach (var batch in new[] { 1, 7, 4096 }) cases.Add(flow, energy, realRows, batch);
                }
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ScoringOutputsMatchTheTorchSharpModel(FlowLayerKind flowKind, EnergyNetworkKind energyKind, bool realRows, int batch)
    {
        TorchRuntime.EnsureLoaded();
        // Random rows come with a tail-free energy: the perturbed flow is so poor that a tail would score every random
        // row above the median training row, and the label check below would be vacuous; real rows cover the tail.
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, flowKind, energyKind, seed: (ulong)(7 + (int)flowKind * 2 + (int)energyKind),
            tailWeight: realRows ? 0.05 : 0);
        using var generator = new Generator((ulong)batch);
        var pool = realRows ? WdbcRows.Rows : OnnxTestEnergyModels.RandomRows(model, 512, spread: 1.5, generator);
        var rows = Enumerable.Range(0, batch).SelectMany(i => pool[(i * 37) % pool.Length]).ToArray();
        var bytes = EnergyModelOnnxExporter.Scoring(model);
        using var runner = new OnnxTestRunner(bytes);

        var outputs = runner.RunAll(("Features", rows, [batch, model.FeatureCount]));

        var energy = new float[batch];
        var logDensity = new float[batch];
        model.Score(rows, energy, logDensity);
        foreach (var name in new[] { "Energy", "LogDensity", "Score", "PredictedLabel", "Probability" }) Assert.Equal(new long[] { batch }, outputs[name].Shape);
        // A tilted energy is a sum of per-feature log-density terms of order 1 each that can cancel to well below 1
        // (README, ONNX contract): float32 rounding of those terms bounds the agreement, so the scale is 1.
        double energyDifference = OnnxTestRunner.AssertClose(energy, (float[])outputs["Energy"].Values, scale: 1);
        double logDensityDifference = OnnxTestRunner.AssertClose(logDensity, (float[])outputs["LogDensity"].Values, scale: 1);
        var score = logDensity.Select(v => -v).ToArray();
        double scoreDifference = OnnxTestRunner.AssertClose(score, (float[])outputs["Score"].Values);
        var labels = (bool[])outputs["PredictedLabel"].Values;
        for (int i = 0; i < batch; i++)
        {
            if (Math.Abs(score[i] - model.ScoreThreshold) > 1e-4 * Math.Abs(score[i])) Assert.Equal(score[i] > model.ScoreThreshold, labels[i]);
        }
        if (batch > 100) Assert.True(labels.Any(l => l) && labels.Any(l => !l), "labels should take both values");
        // The probability is a piecewise-linear function of the score: ONNX's score error moves it by that error times its slope.
        var probability = (float[])outputs["Probability"].Values;
        for (int i = 0; i < batch; i++)
        {
            float managed = model.Probability(score[i]);
            float nearby = model.Probability(score[i] + (float)(2 * scoreDifference) + 1e-5f) - model.Probability(score[i] - (float)(2 * scoreDifference) - 1e-5f);
            Assert.True(Math.Abs(probability[i] - managed) <= nearby + 1e-5, $"row {i}: ONNX probability {probability[i]}, managed {managed}");
        }
        output.WriteLine($"{flowKind}/{energyKind}, {(realRows ? "wdbc" : "random")} rows, batch {batch}: |ΔEnergy| {energyDifference:E2}, " +
            $"|ΔLogDensity| {logDensityDifference:E2}, |ΔScore| {scoreDifference:E2}; LogDensity {logDensity.Min():F1} .. {logDensity.Max():F1}");
    }

    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline)]
    public void ATrainedModelMatchesOnRealRows(FlowLayerKind flowKind)
    {
        TorchRuntime.EnsureLoaded();
        var settings = new TrainingSettings(
            new FlowOptions(flowKind, Blocks: 3, HiddenWidth: 32),
            new MaximumLikelihoodOptions(MaxSteps: 150, EvaluationInterval: 10, Patience: 5),
            new EnergyOptions(EnergyNetworkKind.TiltedFlow, [32, 32], TiltBound: 3, Confinement: 0.01, TailWeight: 0.01),
            new AdversarialOptions { Iterations = 40, BatchSize = 64, EvaluationInterval = 20, EvaluationSamples = 512, Patience = 2 },
            PartitionSamples: 2000,
            Contamination: 0.1,
            Seed: 61);
        using var model = InMemoryTrainer.Train(WdbcRows.Rows, settings, 0.2);
        var rows = Enumerable.Range(0, 4096).SelectMany(i => WdbcRows.Rows[i % WdbcRows.Rows.Length]).ToArray();
        using var runner = new OnnxTestRunner(EnergyModelOnnxExporter.Scoring(model));

        var outputs = runner.RunAll(("Features", rows, [4096, 30]));

        var energy = new float[4096];
        var logDensity = new float[4096];
        model.Score(rows, energy, logDensity);
        // A tilted energy is a sum of per-feature log-density terms of order 1 each that can cancel to well below 1
        // (README, ONNX contract): float32 rounding of those terms bounds the agreement, so the scale is 1.
        double energyDifference = OnnxTestRunner.AssertClose(energy, (float[])outputs["Energy"].Values, scale: 1);
        double logDensityDifference = OnnxTestRunner.AssertClose(logDensity, (float[])outputs["LogDensity"].Values, scale: 1);
        output.WriteLine($"trained {flowKind}: |ΔEnergy| {energyDifference:E2}, |ΔLogDensity| {logDensityDifference:E2}; " +
            $"LogDensity {logDensity.Min():F2} .. {logDensity.Max():F2}; {model.Partition.Describe()}");
    }

    [Theory]
    [InlineData(FlowLayerKind.AffineCoupling, EnergyNetworkKind.TiltedFlow)]
    [InlineData(FlowLayerKind.AffineCoupling, EnergyNetworkKind.Mlp)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.TiltedFlow)]
    [InlineData(FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.Mlp)]
    public void SamplesFromTheSameNoiseMatchTheGeneratorAndTheirLogDensityMatchesScore(FlowLayerKind flowKind, EnergyNetworkKind energyKind)
    {
        TorchRuntime.EnsureLoaded();
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, flowKind, energyKind, seed: 31);
        using var scope = NewDisposeScope();
        var noise = randn(1000, model.FeatureCount, generator: new Generator(32));
        using var runner = new OnnxTestRunner(EnergyModelOnnxExporter.Generator(model));

        var outputs = runner.RunAll(("Noise", OnnxTestRunner.Floats(noise), noise.shape));

        var samples = (float[])outputs["Samples"].Values;
        Assert.Equal(noise.shape, outputs["Samples"].Shape);
        using (no_grad())
        {
            var expected = OnnxTestRunner.Floats(model.Standardizer.Invert(model.Generator.FromNoise(noise).Samples));
            // x = u * s + m cancels where x is near 0: its rounding is relative to the feature's scale s.
            output.WriteLine($"{flowKind}/{energyKind}: |ΔSamples| {OnnxTestRunner.AssertClose(expected, samples, model.Standardizer.Scale):E2}");
        }
        var energy = new float[1000];
        var logDensity = new float[1000];
        model.Score(samples, energy, logDensity);
        output.WriteLine($"|ΔEnergy| {OnnxTestRunner.AssertClose(energy, (float[])outputs["Energy"].Values):E2}, " +
            $"|ΔLogDensity| {OnnxTestRunner.AssertClose(logDensity, (float[])outputs["LogDensity"].Values):E2}");
    }

    [Fact]
    public void BothModelsDeclareOpset17Float32InputsASymbolicBatchAndPlainOutputNames()
    {
        TorchRuntime.EnsureLoaded();
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.TiltedFlow, seed: 41);

        var scoring = ModelProto.Parser.ParseFrom(EnergyModelOnnxExporter.Scoring(model));
        var sampling = ModelProto.Parser.ParseFrom(EnergyModelOnnxExporter.Generator(model));

        foreach (var onnx in new[] { scoring, sampling })
        {
            Assert.Equal(17, Assert.Single(onnx.OpsetImport).Version);
            var input = Assert.Single(onnx.Graph.Input);
            Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
            Assert.Equal("N", input.Type.TensorType.Shape.Dim[0].DimParam);
            Assert.Equal(30, input.Type.TensorType.Shape.Dim[1].DimValue);
            Assert.All(onnx.Graph.Node, node => Assert.Equal("", node.Domain));
            Assert.All(onnx.Graph.Initializer, initializer => Assert.Contains(initializer.DataType, new[] { 1, 7 })); // float32, int64 indices
        }
        Assert.Equal("Features", scoring.Graph.Input[0].Name);
        Assert.Equal(["Energy", "LogDensity", "Score", "PredictedLabel", "Probability"], scoring.Graph.Output.Select(o => o.Name));
        Assert.Equal((int)TensorProto.Types.DataType.Bool, scoring.Graph.Output[3].Type.TensorType.ElemType);
        Assert.Equal("Noise", sampling.Graph.Input[0].Name);
        Assert.Equal(["Samples", "Energy", "LogDensity"], sampling.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void MetadataCarriesTheFittedFactsAndFeatureNames()
    {
        TorchRuntime.EnsureLoaded();
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.AffineCoupling, EnergyNetworkKind.Mlp, seed: 43);
        using var runner = new OnnxTestRunner(EnergyModelOnnxExporter.Scoring(model, "Features", WdbcRows.FeatureNames));
        using var bare = new OnnxTestRunner(EnergyModelOnnxExporter.Generator(model));

        var map = runner.Session.ModelMetadata.CustomMetadataMap;

        Assert.Equal("Gcl.MLNet", map["producer"]);
        Assert.Equal(typeof(EnergyModel).Assembly.GetName().Version!.ToString(), map["producer_version"]);
        Assert.Equal("scoring", map["model_kind"]);
        Assert.Equal("30", map["feature_count"]);
        Assert.Equal(WdbcRows.FeatureNames, System.Text.Json.JsonSerializer.Deserialize<string[]>(map["feature_names"]));
        Assert.Equal(model.Partition.LogZ, double.Parse(map["log_z"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(model.Partition.StandardError, double.Parse(map["log_z_standard_error"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("true", map["log_z_reliable"]);
        Assert.Equal(model.ScoreThreshold, double.Parse(map["score_threshold"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("sampling", bare.Session.ModelMetadata.CustomMetadataMap["model_kind"]);
        Assert.False(bare.Session.ModelMetadata.CustomMetadataMap.ContainsKey("feature_names"));
    }

    [Fact]
    public void TheInputTakesTheFeatureColumnsNameAndBadNamesAreRefused()
    {
        TorchRuntime.EnsureLoaded();
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.AffineCoupling, EnergyNetworkKind.Mlp, seed: 47);
        using var runner = new OnnxTestRunner(EnergyModelOnnxExporter.Scoring(model, "Measurements"));

        Assert.Equal("Measurements", Assert.Single(runner.Session.InputMetadata).Key);
        Assert.Throws<ArgumentException>(() => EnergyModelOnnxExporter.Scoring(model, " "));
        var taken = Assert.Throws<ArgumentException>(() => EnergyModelOnnxExporter.Scoring(model, "Score"));
        Assert.StartsWith("The input name 'Score' is taken by an output", taken.Message);
        var names = Assert.Throws<ArgumentException>(() => EnergyModelOnnxExporter.Generator(model, ["a", "b"]));
        Assert.StartsWith("Got 2 feature names for a model of 30 features.", names.Message);
    }

    [Fact]
    public void AFlowLayerWithoutAnEmitterFailsWithAMessageNamingIt()
    {
        TorchRuntime.EnsureLoaded();
        using var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.TiltedFlow, seed: 53);
        var withoutSplines = new OnnxEmitters(
            new LinearEmitter(), new MlpEmitter(), new ActNormEmitter<InverseFlowStep>(), new InvertibleLinearEmitter<InverseFlowStep>(),
            new NormalizingFlowEmitter<InverseFlowStep>(), new TiltedFlowEnergyEmitter());

        var error = Assert.Throws<NotSupportedException>(() => EnergyModelOnnxExporter.Scoring(model, emitters: withoutSplines));

        Assert.StartsWith("ONNX export does not support the layer type RationalQuadraticSplineCoupling (Gcl.MLNet.Flows.RationalQuadraticSplineCoupling)", error.Message);
    }

    [Fact]
    public void ExportingLeavesNoLiveTensorsAndADisposedModelRefuses()
    {
        TorchRuntime.EnsureLoaded();
        var model = OnnxTestEnergyModels.Model(WdbcRows.Rows, FlowLayerKind.RationalQuadraticSpline, EnergyNetworkKind.TiltedFlow, seed: 59);
        EnergyModelOnnxExporter.Scoring(model); // lazy one-time allocations happen here

        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 3; i++)
        {
            EnergyModelOnnxExporter.Scoring(model);
            EnergyModelOnnxExporter.Generator(model);
        }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => EnergyModelOnnxExporter.Scoring(model));
        Assert.Throws<ObjectDisposedException>(() => EnergyModelOnnxExporter.Generator(model));
    }
}
