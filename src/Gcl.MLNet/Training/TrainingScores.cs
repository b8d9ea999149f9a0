namespace Gcl.MLNet.Training;

/// <summary>
/// The distribution of the training rows' Scores, kept as quantiles at fixed probabilities (<see cref="StandardProbabilities"/>:
/// every 0.5%, every 0.05% above 99%, and 99.99%). Quantiles are numpy's default ("linear", Hyndman and Fan's
/// type 7) of the sorted scores. From them come the threshold of a chosen contamination (<see cref="Quantile"/>) and
/// the outlier probability (<see cref="Probability"/>), the piecewise-linear empirical CDF through the stored points:
/// <c>P(s) = Σ_k (p_{k+1} - p_k) · clamp((s - S_k) · c_k, 0, 1)</c> with <c>c_k = 1 / (S_{k+1} - S_k)</c> (at most
/// <see cref="MaximumSlope"/>), the one formula the TorchSharp, managed and ONNX paths all apply, set to exactly 0
/// at or below the lowest stored score and 1 at or above the highest. It never decreases.
/// </summary>
internal sealed class TrainingScores
{
    /// <summary>The largest inverse knot gap (tied knots make a step, not an infinity, so no path meets inf · 0).</summary>
    public const double MaximumSlope = 1e30;

    /// <summary>Largest number of stored quantiles a model file may hold.</summary>
    public const int MaximumCount = 4096;

    /// <summary>The probabilities at which training stores quantiles (220 of them, from 0 to 1).</summary>
    public static IReadOnlyList<double> StandardProbabilities { get; } = CreateStandardProbabilities();

    /// <summary>Checks and keeps stored quantiles.</summary>
    /// <param name="probabilities">Strictly increasing, from exactly 0 to exactly 1.</param>
    /// <param name="scores">The quantiles, one per probability, finite float32 values, non-decreasing.</param>
    /// <exception cref="ArgumentException">The arrays break a rule above; the message says which.</exception>
    public TrainingScores(double[] probabilities, double[] scores)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(scores);
        if (probabilities.Length != scores.Length) throw new ArgumentException($"{probabilities.Length} probabilities for {scores.Length} score quantiles.");
        if (probabilities.Length < 2 || probabilities.Length > MaximumCount) throw new ArgumentException($"{probabilities.Length} score quantiles; between 2 and {MaximumCount} are needed.");
        if (probabilities[0] != 0 || probabilities[^1] != 1) throw new ArgumentException("The quantile probabilities must run from 0 to 1.");
        for (int k = 0; k < scores.Length; k++)
        {
            if (!(Math.Abs(scores[k]) <= float.MaxValue)) throw new ArgumentException($"Score quantile {k} ({scores[k]}) is not a finite float32 value.");
            if (k > 0 && !(probabilities[k] > probabilities[k - 1])) throw new ArgumentException($"The quantile probabilities are not increasing at {k}.");
            if (k > 0 && scores[k] < scores[k - 1]) throw new ArgumentException($"The score quantiles decrease at {k}.");
        }
        Probabilities = probabilities;
        Scores = scores;
    }

    /// <summary>The probabilities p_k.</summary>
    public IReadOnlyList<double> Probabilities { get; }

    /// <summary>The scores S_k, the p_k-quantiles of the training scores.</summary>
    public IReadOnlyList<double> Scores { get; }

    /// <summary>The quantiles of <paramref name="sorted"/> (ascending, at least one) at <see cref="StandardProbabilities"/>.</summary>
    public static TrainingScores FromSorted(IReadOnlyList<double> sorted)
    {
        if (sorted.Count == 0) throw new ArgumentException("No scores to summarize.", nameof(sorted));
        var probabilities = StandardProbabilities.ToArray();
        return new TrainingScores(probabilities, probabilities.Select(p => LinearQuantile(sorted, p)).ToArray());
    }

    /// <summary>The p-quantile, interpolated linearly between the stored ones (exact at a stored probability).</summary>
    /// <param name="p">A probability in [0, 1].</param>
    public double Quantile(double p)
    {
        int k = 0;
        while (k < Probabilities.Count - 2 && Probabilities[k + 1] <= p) k++;
        if (p == Probabilities[k]) return Scores[k];
        double share = Math.Clamp((p - Probabilities[k]) / (Probabilities[k + 1] - Probabilities[k]), 0, 1);
        return Scores[k] + share * (Scores[k + 1] - Scores[k]);
    }

    /// <summary>The fraction of training scores below <paramref name="score"/> (see the class summary); NaN for NaN.</summary>
    public double Probability(double score)
    {
        if (double.IsNaN(score)) return double.NaN;
        if (score >= Scores[^1]) return 1;
        if (score <= Scores[0]) return 0;
        double probability = 0;
        for (int k = 0; k + 1 < Scores.Count; k++)
        {
            double ramp = (score - Scores[k]) * Slope(k);
            probability += (Probabilities[k + 1] - Probabilities[k]) * (ramp <= 0 ? 0 : ramp >= 1 ? 1 : ramp);
        }
        return Math.Min(probability, 1);
    }

    /// <summary>c_k, the inverse gap between knots k and k + 1, capped at <see cref="MaximumSlope"/>.</summary>
    public double Slope(int k)
    {
        double gap = Scores[k + 1] - Scores[k];
        return gap * MaximumSlope > 1 ? 1 / gap : MaximumSlope;
    }

    // Type-7 quantile: h = (n - 1) p, interpolated between the order statistics around h.
    private static double LinearQuantile(IReadOnlyList<double> sorted, double p)
    {
        double h = (sorted.Count - 1) * p;
        int low = (int)Math.Floor(h);
        if (low >= sorted.Count - 1) return sorted[^1];
        return sorted[low] + (h - low) * (sorted[low + 1] - sorted[low]);
    }

    private static double[] CreateStandardProbabilities()
    {
        var steps = new SortedSet<int>();
        for (int k = 0; k <= 20000; k += 100) steps.Add(k);
        for (int k = 19800; k <= 20000; k += 10) steps.Add(k);
        steps.Add(19998);
        return steps.Select(k => k / 20000.0).ToArray();
    }
}
