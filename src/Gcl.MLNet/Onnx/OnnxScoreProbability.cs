using Gcl.MLNet.Training;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The Probability output in the graph: the piecewise-linear CDF of the training scores that
/// <see cref="TrainingScores.Probability"/> computes, <c>Σ_k Δp_k · clamp((s - S_k) · c_k, 0, 1)</c>, as one
/// broadcast [N, K-1] ramp and a MatMul with the probability steps, clipped to [0, 1], and exactly 0 at or below
/// the lowest stored score and 1 at or above the highest (a float32 sum of the steps misses 1 by a few ulps).
/// </summary>
internal static class OnnxScoreProbability
{
    /// <summary>The probability of each score in <paramref name="score"/> ([N]); returns a [N] value.</summary>
    public static string Probability(this OnnxGraphBuilder b, string score, TrainingScores scores)
    {
        int segments = scores.Scores.Count - 1;
        var knots = b.AddInitializer("score_knots", scores.Scores.Take(segments).ToArray(), 1, segments);
        var slopes = b.AddInitializer("score_slopes", Enumerable.Range(0, segments).Select(scores.Slope).ToArray(), 1, segments);
        var steps = b.AddInitializer("probability_steps",
            Enumerable.Range(0, segments).Select(k => scores.Probabilities[k + 1] - scores.Probabilities[k]).ToArray(), segments, 1);
        var ramps = b.Clip(b.Mul(b.Sub(b.Unsqueeze(score, 1), knots), slopes), 0, 1);
        var sum = b.Clip(b.Squeeze(b.MatMul(ramps, steps), 1), 0, 1);
        var atTop = b.GreaterOrEqual(score, b.Scalar((float)scores.Scores[^1]));
        var atBottom = b.LessOrEqual(score, b.Scalar((float)scores.Scores[0]));
        return b.Where(atTop, b.Scalar(1), b.Where(atBottom, b.Scalar(0), sum));
    }
}
