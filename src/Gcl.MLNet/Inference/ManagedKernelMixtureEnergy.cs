using Gcl.MLNet.Common;
using Gcl.MLNet.Energy;
using static TorchSharp.torch;

namespace Gcl.MLNet.Inference;

/// <summary>
/// <see cref="KernelMixtureEnergy"/>: E'(u) = -logaddexp(log(1 - w) - E(u), log w + log Zhat + log K(u)), log K(u) the
/// log-mean-exp over the centers c_j of -|u - c_j|² / (2σ²), less d/2 log(2πσ²), leaving out the centers the row
/// coincides with. One pass over the centers per row, in double precision.
/// </summary>
internal sealed class ManagedKernelMixtureEnergy : ManagedEnergy
{
    private readonly ManagedEnergy inner;
    private readonly float[] centers;
    private readonly int count;
    private readonly double halfPrecision;
    private readonly double logInnerWeight;
    private readonly double logKernelOffset;

    /// <summary>A managed copy of <paramref name="energy"/>, with <paramref name="inner"/> the managed form of its inner energy.</summary>
    public ManagedKernelMixtureEnergy(KernelMixtureEnergy energy, ManagedEnergy inner)
    {
        this.inner = inner;
        using var scope = NewDisposeScope();
        centers = energy.Centers.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        count = energy.CenterCount;
        double variance = energy.Bandwidth * energy.Bandwidth;
        halfPrecision = 0.5 / variance;
        logInnerWeight = Math.Log(1 - energy.Weight);
        logKernelOffset = Math.Log(energy.Weight) + energy.LogScale - Math.Log(count) - 0.5 * energy.Dimension * Math.Log(2 * Math.PI * variance);
    }

    /// <inheritdoc />
    public override int ScratchLength => inner.ScratchLength;

    /// <inheritdoc />
    public override double Evaluate(ReadOnlySpan<float> u, Span<float> scratch)
    {
        double innerEnergy = inner.Evaluate(u, scratch);
        int d = u.Length;
        double norm = 0;
        foreach (float value in u) norm += value * value;
        double self = KernelMixtureEnergy.SelfDistance * (1 + norm);
        // One pass, the log-sum-exp kept relative to the largest exponent so far (rescaled when a larger one comes),
        // so the sum cannot underflow to zero; the centers the row coincides with are left out.
        double top = double.NegativeInfinity, sum = 0;
        for (int j = 0; j < count; j++)
        {
            double squared = SquaredDistance(u, centers.AsSpan(j * d, d));
            if (squared <= self) continue;
            double exponent = -halfPrecision * squared;
            if (exponent > top)
            {
                sum = sum * Math.Exp(Math.Max(top - exponent, KernelMixtureEnergy.ExponentFloor)) + 1;
                top = exponent;
            }
            else sum += Math.Exp(Math.Max(exponent - top, KernelMixtureEnergy.ExponentFloor));
        }
        double logKernel = sum > 0 ? logKernelOffset + top + Math.Log(sum) : double.NegativeInfinity;
        return -LogSpace.Add(logInnerWeight - innerEnergy, logKernel);
    }

    private static double SquaredDistance(ReadOnlySpan<float> u, ReadOnlySpan<float> center)
    {
        double total = 0;
        for (int i = 0; i < u.Length; i++)
        {
            double difference = u[i] - center[i];
            total += difference * difference;
        }
        return total;
    }
}
