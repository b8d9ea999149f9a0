namespace Gcl.MLNet.Inference;

/// <summary>
/// The input-range rule every scoring path applies (TorchSharp, the managed path, the ONNX graph): the standardized
/// value u = (x - m) / s of each feature is clamped to [-<see cref="Bound"/>, <see cref="Bound"/>] before the energy
/// network sees it, and the energy gets a finite penalty for the excess, sum over features of
/// max(0, ln(|x - m| / s) - ln Bound). Inside the bound nothing changes (the penalty is exactly 0); outside it the
/// energy of a clamped row is already far above any training row's and the penalty only grows with |x|, so every
/// finite row gets a finite, non-NaN energy and ranks as anomalous. The logarithm is computed in double precision
/// here (and from halves of x and m in the float32 ONNX graph), so it cannot overflow even at float.MaxValue.
/// </summary>
internal static class InputRange
{
    /// <summary>The clamp of the standardized features: 1,000 training standard deviations.</summary>
    public const double Bound = 1000;

    /// <summary>ln <see cref="Bound"/>.</summary>
    public static readonly double LogBound = Math.Log(Bound);

    /// <summary>The excess penalty of one row of raw features (0 when every feature lies within the bound).</summary>
    public static double Penalty(ReadOnlySpan<float> row, ReadOnlySpan<double> mean, ReadOnlySpan<double> scale)
    {
        double penalty = 0;
        for (int j = 0; j < row.Length; j++)
        {
            double distance = Math.Abs(row[j] - mean[j]) / scale[j];
            if (distance > Bound) penalty += Math.Log(distance) - LogBound;
        }
        return penalty;
    }

    /// <summary>Whether any feature of the row lies outside the bound (most rows do not: the fast path skips the penalty).</summary>
    public static bool AnyOutside(ReadOnlySpan<float> rows, ReadOnlySpan<double> mean, ReadOnlySpan<double> scale)
    {
        int d = mean.Length;
        for (int i = 0; i < rows.Length; i++)
        {
            int j = i % d;
            if (Math.Abs(rows[i] - mean[j]) / scale[j] > Bound) return true;
        }
        return false;
    }
}
