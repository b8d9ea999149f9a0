using Microsoft.ML;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// The training section: training speed per phase with the defaults, and issue 8's PyTorch reference configuration next to
/// the PyTorch reference itself, run in the same summary when python3 with torch is present (<see cref="TorchReference"/>).
/// </summary>
internal static class TrainingSection
{
    /// <summary>What the targets need: the reference configuration's rates and where its iteration's time goes.</summary>
    public sealed record Result(TrainingSteps.Rates Reference, IReadOnlyList<(string Piece, double Milliseconds)> Breakdown, TorchReference.Rates? PyTorch);

    /// <summary>Measures and reports.</summary>
    public static Result Run(MarkdownReport report, MLContext mlContext, int threads, MachineLimit limit, string dataDirectory)
    {
        limit.Observe([threads]);
        double peak = limit.Torch(threads);
        TrainingSteps.Rates defaults, reference;
        string defaultsDescription, referenceDescription;
        using (var setup = TrainingSetup.Defaults(mlContext, SyntheticRows.Create(4096, 10, seed: 11), SyntheticRows.Create(512, 10, seed: 12)))
        {
            defaultsDescription = setup.Description;
            defaults = TrainingSteps.Measure(setup, warmStartEpochs: 10, endToEndIterations: 300);
        }
        IReadOnlyList<(string Piece, double Milliseconds)> breakdown;
        using (var setup = TrainingSetup.Reference(4096))
        {
            referenceDescription = setup.Description;
            reference = TrainingSteps.Measure(setup, warmStartEpochs: 10, endToEndIterations: 300);
            using var energy = setup.CreateEnergy();
            breakdown = TrainingBreakdown.Measure(setup, energy);
        }
        var (pytorch, pytorchNote) = TorchReference.TryMeasure(dataDirectory);

        report.Heading($"Training (torch threads: {threads})");
        report.Line("Samples/s = steps/s x batch rows (an iteration also scores as many generator samples). Warm start: " +
            "MaximumLikelihoodTrainer.Train over 10 epochs of 4096 rows, timed from the end of epoch 1 (per-epoch validation and snapshots included). " +
            "Iterations: AdversarialTrainer's own draw and step methods and optimizers, best of 8 rounds; an iteration is one generator draw, one discriminator and one generator step. " +
            "End to end: AdversarialTrainer.Train, 300 iterations with a 4096-sample validation log Z every 50 (the default cadence).");
        report.Table(["configuration", "warm-start steps/s (samples/s)", "adversarial iterations/s (samples/s)", "end to end iterations/s"],
            [Cells(defaultsDescription, defaults), Cells(referenceDescription, reference)]);
        report.Line("Arithmetic (FLOPs from the layer shapes, a backward pass counted as twice its forward; see NetworkFlops): achieved GFLOP/s, and the linear layers " +
            $"alone at batch 256 (each layer's GEMM on its own input, nothing else), against the {threads}-thread matmul peak of {peak:F0} GFLOP/s.");
        report.Table(["configuration", "MFLOP per warm-start step", "warm start GFLOP/s", "MFLOP per iteration", "adversarial GFLOP/s", "linear layers alone GFLOP/s (% of peak)", "iterations/s if every FLOP ran at that rate"],
            [Arithmetic("defaults, d = 10", defaults, peak), Arithmetic("reference configuration", reference, peak)]);
        report.Line(pytorch is null
            ? $"Against the PyTorch reference on the same configuration: no ratio, because {pytorchNote}. Ours: {reference.Iterations:F0} adversarial iterations/s " +
              $"({reference.EndToEnd:F0} end to end), {reference.WarmStart:F0} flow maximum-likelihood steps/s."
            : $"Against the PyTorch reference on the same configuration ({pytorchNote}, one thread): ours {reference.Iterations:F0} adversarial iterations/s against its " +
              $"{pytorch.AdversarialIterations:F1} ({reference.Iterations / pytorch.AdversarialIterations:F2}x; {reference.EndToEnd / pytorch.AdversarialIterations:F2}x end to end), " +
              $"{reference.WarmStart:F0} flow maximum-likelihood steps/s against its {pytorch.WarmStartSteps:F1} ({reference.WarmStart / pytorch.WarmStartSteps:F2}x). " +
              "Our flow blocks also hold an ActNorm and an LU-parameterized linear map besides the coupling.");

        double total = breakdown.Sum(p => p.Milliseconds);
        report.Line($"Where a reference-configuration iteration goes (the draw and the two steps replayed piece by piece, each piece timed alone, mean of 100 iterations; {total:F2} ms in all, " +
            $"against {1e3 / reference.Iterations:F2} ms per iteration measured above):");
        report.Table(["piece", "ms per iteration", "share"], breakdown.Select(p => (IReadOnlyList<string>)[p.Piece, $"{p.Milliseconds:F2}", $"{100 * p.Milliseconds / total:F0}%"]));
        return new Result(reference, breakdown, pytorch);
    }

    private static IReadOnlyList<string> Arithmetic(string name, TrainingSteps.Rates r, double peak) =>
    [
        name,
        $"{r.WarmStartFlops / 1e6:F1}",
        $"{r.WarmStart * r.WarmStartFlops / 1e9:F1}",
        $"{r.IterationFlops / 1e6:F1}",
        $"{r.Iterations * r.IterationFlops / 1e9:F1}",
        $"{r.LinearLayersGigaflops:F1} ({100 * r.LinearLayersGigaflops / peak:F0}%)",
        $"{r.LinearLayersGigaflops * 1e9 / r.IterationFlops:F0}",
    ];

    private static IReadOnlyList<string> Cells(string description, TrainingSteps.Rates r) =>
    [
        description,
        $"{r.WarmStart:F0} ({r.WarmStart * r.Batch:N0})",
        $"{r.Iterations:F1} ({r.Iterations * r.Batch:N0})",
        $"{r.EndToEnd:F1}",
    ];
}
