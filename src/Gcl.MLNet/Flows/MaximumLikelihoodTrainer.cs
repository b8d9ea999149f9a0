using System.Diagnostics;
using Gcl.MLNet.Common;
using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Fits a <see cref="NormalizingFlow"/> by maximum likelihood (minimizes mean -log q over mini-batches) with
/// AdamW, gradient-norm clipping and early stopping on the mean validation log-likelihood, scored every few steps;
/// the flow ends with the best weights seen. Batches are streamed from a caller-supplied epoch source, cycled as
/// often as the step budget needs, so the data need not be held here. It is a baseline density estimator on its
/// own and the warm start of the adversarial trainer.
/// </summary>
internal sealed class MaximumLikelihoodTrainer
{
    private readonly MaximumLikelihoodOptions options;

    /// <summary>Creates a trainer with validated options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public MaximumLikelihoodTrainer(MaximumLikelihoodOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <summary>Trains <paramref name="flow"/> in place and returns what happened.</summary>
    /// <param name="flow">The flow; if its ActNorms are not initialized, the first training batch initializes them.</param>
    /// <param name="epochBatches">Called once per pass over the data; yields training batches [n, d] in the flow's
    /// dtype (shuffled as the caller sees fit). Tensors it creates while enumerating are disposed after their step.</param>
    /// <param name="validation">Held-out rows [m, d] for early stopping, in the flow's dtype.</param>
    /// <param name="progress">Called after every evaluation.</param>
    /// <param name="limits">Cancellation (throws) and a deadline (stops with the best weights so far); null for none.</param>
    /// <exception cref="OperationCanceledException">The limits' token was cancelled; the flow's weights are then undefined.</exception>
    public MaximumLikelihoodHistory Train(
        NormalizingFlow flow,
        Func<IEnumerable<Tensor>> epochBatches,
        Tensor validation,
        Action<MaximumLikelihoodEvaluation>? progress = null,
        TrainingLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(epochBatches);
        ArgumentNullException.ThrowIfNull(validation);
        limits ??= TrainingLimits.None;
        var clock = Stopwatch.StartNew();
        var evaluations = new List<MaximumLikelihoodEvaluation>();
        using var optimizer = new AdamOptimizer(flow.parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        using var batches = new CycledBatches(epochBatches);
        double best = double.NegativeInfinity;
        int step = 0, bestStep = 0, sinceBest = 0;
        bool stoppedEarly = false, diverged = false, outOfTime = false;
        ParameterSnapshot? snapshot = null;
        try
        {
            if (flow.IsInitialized)
            {
                best = Evaluate(flow, validation, options.EvaluationBatchSize);
                if (double.IsFinite(best)) snapshot = ParameterSnapshot.Take(flow);
            }
            double lossSum = 0;
            long lossRows = 0;
            while (step < options.MaxSteps)
            {
                limits.ThrowIfCanceled();
                // Out of time: stop; but a flow never validated takes one step (if none yet) and one score first.
                outOfTime = limits.OutOfTime;
                if (outOfTime && snapshot is not null) break;
                if (!outOfTime || step == 0)
                {
                    var (loss, rows) = Step(flow, optimizer, batches);
                    step++;
                    if (!double.IsFinite(loss))
                    {
                        diverged = true;
                        break;
                    }
                    lossSum += loss * rows;
                    lossRows += rows;
                    if (!outOfTime && step % options.EvaluationInterval != 0 && step != options.MaxSteps) continue;
                }

                double score = Evaluate(flow, validation, options.EvaluationBatchSize);
                var record = new MaximumLikelihoodEvaluation(step, lossSum / lossRows, score, clock.Elapsed);
                lossSum = 0;
                lossRows = 0;
                evaluations.Add(record);
                progress?.Invoke(record);
                if (!double.IsFinite(score))
                {
                    diverged = true;
                    break;
                }
                if (score > best + options.MinimumImprovement || snapshot is null)
                {
                    best = score;
                    bestStep = step;
                    sinceBest = 0;
                    snapshot?.Dispose();
                    snapshot = ParameterSnapshot.Take(flow);
                }
                else if (++sinceBest >= options.Patience)
                {
                    stoppedEarly = true;
                    break;
                }
                if (outOfTime) break;
            }
            snapshot?.Restore(flow);
        }
        finally
        {
            snapshot?.Dispose();
        }
        return new MaximumLikelihoodHistory(evaluations, step, batches.Epochs, bestStep, best, stoppedEarly, diverged, outOfTime, clock.Elapsed);
    }

    /// <summary>Mean log q over <paramref name="rows"/> in nats per row, computed in chunks without gradients.</summary>
    public static double Evaluate(NormalizingFlow flow, Tensor rows, int batchSize = 4096)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(rows);
        long count = rows.shape[0];
        if (count == 0) throw new ArgumentException("Evaluation needs at least one row.", nameof(rows));
        using var _ = no_grad();
        double total = 0;
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var chunk = rows.narrow(0, start, Math.Min(batchSize, count - start));
            total += flow.LogProb(chunk).sum().to(ScalarType.Float64).item<double>();
        }
        return total / count;
    }

    // One optimizer step on the next batch; returns its mean NLL (NaN when not finite) and its row count.
    private (double Loss, long Rows) Step(NormalizingFlow flow, AdamOptimizer optimizer, CycledBatches batches)
    {
        // The scope is open while the source produces the batch, so batches it creates die with the step.
        using var scope = NewDisposeScope();
        var batch = batches.Next();
        if (!flow.IsInitialized) flow.InitializeFromData(batch);
        optimizer.ZeroGrad();
        var loss = -flow.LogProb(batch).mean();
        double value = loss.to(ScalarType.Float64).item<double>();
        if (!double.IsFinite(value)) return (double.NaN, batch.shape[0]);
        loss.backward();
        nn.utils.clip_grad_norm_(flow.parameters(), options.GradientClipNorm);
        optimizer.Step();
        return (value, batch.shape[0]);
    }
}
