using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Ingestion;
using Gcl.MLNet.Training;
using Microsoft.ML;
using static TorchSharp.torch;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// A flow, its training batches, validation rows and adversarial options, and the energy to train against it:
/// either the library's defaults on streamed synthetic rows (batches come through the same IDataView batch source
/// that <c>Fit</c> uses), or the PyTorch reference configuration of issue 8 on in-memory two-moons rows.
/// </summary>
internal sealed class TrainingSetup : IDisposable
{
    private readonly Func<NormalizingFlow, EnergyFunction> energy;
    private readonly IDisposable? ownedSource;

    private TrainingSetup(string description, NormalizingFlow flow, IBatchSource source, long trainingRows, Tensor validation, AdversarialOptions options,
        Func<NormalizingFlow, EnergyFunction> energy)
    {
        Description = description;
        TrainingRows = trainingRows;
        Flow = flow;
        Source = source;
        Validation = validation;
        Options = options;
        this.energy = energy;
        ownedSource = source as IDisposable;
    }

    /// <summary>What is trained, in words.</summary>
    public string Description { get; }

    /// <summary>The generator (trained in place by the measurements).</summary>
    public NormalizingFlow Flow { get; }

    /// <summary>Standardized training batches.</summary>
    public IBatchSource Source { get; }

    /// <summary>Rows in one pass of <see cref="Source"/>.</summary>
    public long TrainingRows { get; }

    /// <summary>Standardized validation rows.</summary>
    public Tensor Validation { get; }

    /// <summary>The adversarial stage's options (batch size, learning rates, stabilizers).</summary>
    public AdversarialOptions Options { get; }

    /// <summary>
    /// Default options (<see cref="EnergyModelOptions"/>) on <paramref name="rows"/> streamed from an IDataView:
    /// affine flow 4 x 64, tilted energy with a 64-64 tilt, batch 256.
    /// </summary>
    public static TrainingSetup Defaults(MLContext mlContext, float[][] rows, float[][] validation)
    {
        var defaults = new EnergyModelOptions();
        var settings = defaults.ToSettings(seed: 1);
        var standardizer = Standardizer.Fit(rows);
        var view = StreamedRows.Load(mlContext, rows, rows.Length);
        var source = new DataViewBatchSource(view, view.Schema["Features"], standardizer, new HashSet<long>());
        using var raw = tensor(SyntheticRows.Flat(validation), [validation.Length, rows[0].Length]);
        var flow = NormalizingFlow.Create(rows[0].Length, settings.Flow, settings.Seed);
        return new TrainingSetup(
            $"defaults, d = {rows[0].Length}: affine flow {settings.Flow.Blocks} x {settings.Flow.HiddenWidth}, tilted energy (tilt {string.Join("-", settings.Energy.HiddenSizes)}), batch {settings.Adversarial.BatchSize}, {rows.Length} streamed rows",
            flow, source, rows.Length, standardizer.Apply(raw).DetachFromDisposeScope(), settings.Adversarial,
            f => Initialized(g => settings.Energy.Create(f, g)));
    }

    /// <summary>
    /// Issue 8's PyTorch reference: d = 2, plain MLP energy 2-128-128-1 (SiLU), 8 affine-coupling blocks with
    /// 128-wide conditioners, batch 256, on <paramref name="count"/> in-memory two-moons rows.
    /// </summary>
    public static TrainingSetup Reference(int count)
    {
        var all = TwoMoons(count + 512);
        using var rows = tensor(SyntheticRows.Flat(all[..count]), [count, 2]);
        var flow = NormalizingFlow.Create(2, new FlowOptions(FlowLayerKind.AffineCoupling, Blocks: 8, HiddenWidth: 128), seed: 1);
        return new TrainingSetup(
            "PyTorch reference configuration: d = 2, plain MLP energy 2-128-128-1 SiLU, affine flow 8 x 128, batch 256, in-memory rows",
            flow, new TensorBatchSource(rows), count, tensor(SyntheticRows.Flat(all[count..]), [512, 2]).DetachFromDisposeScope(),
            new AdversarialOptions { BatchSize = 256 },
            f => Initialized(g => new MlpEnergy(2, [128, 128], confinement: 0.01, g)));
    }

    /// <summary>A fresh energy for the current flow (the tilted energy copies the flow as its reference).</summary>
    public EnergyFunction CreateEnergy() => energy(Flow);

    /// <inheritdoc />
    public void Dispose()
    {
        Flow.Dispose();
        Validation.Dispose();
        ownedSource?.Dispose();
    }

    private static EnergyFunction Initialized(Func<Generator, EnergyFunction> create)
    {
        using var generator = new Generator(5);
        return create(generator);
    }

    private static float[][] TwoMoons(int count)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(i =>
        {
            double t = Math.PI * random.NextDouble();
            var (x, y) = i % 2 == 0 ? (Math.Cos(t), Math.Sin(t)) : (1 - Math.Cos(t), 0.5 - Math.Sin(t));
            return new[] { (float)(x + 0.1 * (random.NextDouble() - 0.5)), (float)(y + 0.1 * (random.NextDouble() - 0.5)) };
        }).ToArray();
    }
}
