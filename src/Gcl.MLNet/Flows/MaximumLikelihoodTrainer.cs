using System.Diagnostics;
using Gcl.MLNet.Networks;
using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// Fits a <see cref="NormalizingFlow"/> by maximum likelihood (minimizes mean -log q over mini-batches) with
/// AdamW, gradient-norm clipping and early stopping on the mean validation log-likelihood; the flow ends with the
/// best weights seen. Batches are streamed from a caller-supplied epoch source, so the data need not be held here.
/// It is a baseline density estimator on its own and the warm start of the adversarial trainer.
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
    /// <param name="epochBatches">Called once per epoch; yields training batches [n, d] in the flow's dtype
    /// (shuffled as the caller sees fit). Tensors it creates while enumerating are disposed after their step.</param>
    /// <param name="validation">Held-out rows [m, d] for early stopping, in the flow's dtype.</param>
    /// <param name="progress">Called after every epoch.</param>
    /// <param name="cancellationToken">Stops between steps; the best weights so far are restored.</param>
    public MaximumLikelihoodHistory Train(
        NormalizingFlow flow,
        Func<IEnumerable<Tensor>> epochBatches,
        Tensor validation,
        Action<MaximumLikelihoodEpoch>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(epochBatches);
        ArgumentNullException.ThrowIfNull(validation);
        var clock = Stopwatch.StartNew();
        var epochs = new List<MaximumLikelihoodEpoch>();
        using var optimizer = new AdamOptimizer(flow.parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        double best = double.NegativeInfinity;
        int bestEpoch = 0, sinceBest = 0;
        bool stoppedEarly = false, diverged = false;
        ParameterSnapshot? snapshot = null;
        bool initialized = flow.IsInitialized;
        try
        {
            if (initialized)
            {
                best = Evaluate(flow, validation, options.EvaluationBatchSize);
                if (double.IsFinite(best)) snapshot = ParameterSnapshot.Take(flow);
            }
            for (int epoch = 1; epoch <= options.MaxEpochs && !cancellationToken.IsCancellationRequested; epoch++)
            {
                double trainNll = RunEpoch(flow, optimizer, epochBatches(), ref initialized, cancellationToken);
                double score = Evaluate(flow, validation, options.EvaluationBatchSize);
                var record = new MaximumLikelihoodEpoch(epoch, trainNll, score, clock.Elapsed);
                epochs.Add(record);
                progress?.Invoke(record);
                if (!double.IsFinite(trainNll) || !double.IsFinite(score))
                {
                    diverged = true;
                    break;
                }
                if (score > best + options.MinimumImprovement || snapshot is null)
                {
                    best = score;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    snapshot?.Dispose();
                    snapshot = ParameterSnapshot.Take(flow);
                }
                else if (++sinceBest >= options.Patience)
                {
                    stoppedEarly = true;
                    break;
                }
            }
            snapshot?.Restore(flow);
        }
        finally
        {
            snapshot?.Dispose();
        }
        return new MaximumLikelihoodHistory(epochs, bestEpoch, best, stoppedEarly, diverged, clock.Elapsed);
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

    // One pass over the epoch's batches; returns the mean training NLL per row (NaN when a loss was not finite).
    private double RunEpoch(NormalizingFlow flow, AdamOptimizer optimizer, IEnumerable<Tensor> batches, ref bool initialized, CancellationToken cancellationToken)
    {
        double sum = 0;
        long rows = 0;
        using var enumerator = batches.GetEnumerator();
        while (!cancellationToken.IsCancellationRequested)
        {
            // The scope is open while the source produces the batch, so batches it creates die with the step.
            using var scope = NewDisposeScope();
            if (!enumerator.MoveNext()) break;
            var batch = enumerator.Current;
            if (!initialized)
            {
                flow.InitializeFromData(batch);
                initialized = true;
            }
            optimizer.ZeroGrad();
            var loss = -flow.LogProb(batch).mean();
            double value = loss.to(ScalarType.Float64).item<double>();
            if (!double.IsFinite(value)) return double.NaN;
            loss.backward();
            nn.utils.clip_grad_norm_(flow.parameters(), options.GradientClipNorm);
            optimizer.Step();
            sum += value * batch.shape[0];
            rows += batch.shape[0];
        }
        return rows > 0 ? sum / rows : double.NaN;
    }
}
