using Gcl.MLNet.Common;
using Gcl.MLNet.Energy;
using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// Chooses the kernel term of <see cref="KernelMixtureEnergy"/> on validation rows, after log Z is estimated. For
/// each bandwidth of a grid around Scott's rule (σ0 = M^(-1/(d+4)) in standardized units, times 2^(k/2) for
/// k = -10..2), EM finds the weight w that maximizes the mean validation log-likelihood of (1 - w) p_E + w K (concave
/// in w); the bandwidth with the best mixture wins. The kernel is kept only when it gains at least
/// <see cref="MinimumGain"/> nats per validation row over p_E alone, so data the flow already fits well keep the
/// plain energy (and its scoring speed).
/// </summary>
internal static class KernelComponentSelection
{
    /// <summary>Smallest mean gain per validation row, in nats, that earns the kernel its scoring cost.</summary>
    public const double MinimumGain = 0.01;

    /// <summary>Validation rows the choice looks at, at most (the first ones; the validation split is random).</summary>
    public const int MaximumValidationRows = 4096;

    /// <summary>The grid's exponents k of 2^(k/2).</summary>
    private static readonly int[] GridExponents = Enumerable.Range(-10, 13).ToArray();

    private const int EmIterations = 200;

    /// <summary>The chosen bandwidth and weight, or null when the kernel does not earn its place.</summary>
    /// <param name="energy">The trained energy E.</param>
    /// <param name="logZ">Its estimated log Z.</param>
    /// <param name="centers">The kernel's centers [M, d], standardized training rows.</param>
    /// <param name="validation">Standardized validation rows [n, d].</param>
    public static (double Bandwidth, double Weight)? Choose(EnergyFunction energy, double logZ, Tensor centers, Tensor validation)
    {
        if (centers.shape[0] < 2 || validation.shape[0] == 0) return null;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rows = validation.narrow(0, 0, Math.Min(MaximumValidationRows, validation.shape[0])).to(centers.dtype);
        var logModel = energy.forward(rows).to(ScalarType.Float64).neg().Plus(-logZ).data<double>().ToArray();
        if (logModel.Any(v => !double.IsFinite(v))) return null;
        double scott = Math.Pow(centers.shape[0], -1.0 / (centers.shape[1] + 4));
        var bandwidths = GridExponents.Select(k => scott * Math.Pow(2, k / 2.0)).ToArray();
        var logKernels = KernelMixtureEnergy.KernelLogDensities(rows, centers, bandwidths).to(ScalarType.Float64);
        double alone = logModel.Average(), best = alone + MinimumGain;
        (double Bandwidth, double Weight)? choice = null;
        for (int b = 0; b < bandwidths.Length; b++)
        {
            var logKernel = logKernels[b].data<double>().ToArray();
            var (weight, logLikelihood) = BestWeight(logModel, logKernel);
            if (logLikelihood > best) (best, choice) = (logLikelihood, (bandwidths[b], weight));
        }
        return choice;
    }

    /// <summary>The w in (0, 1) that maximizes mean log((1 - w) p + w k) by EM, and that mean.</summary>
    internal static (double Weight, double LogLikelihood) BestWeight(double[] logModel, double[] logKernel)
    {
        double weight = 0.5;
        for (int step = 0; step < EmIterations; step++)
        {
            double responsibility = 0, logOdds = Math.Log(1 - weight) - Math.Log(weight);
            for (int i = 0; i < logModel.Length; i++)
            {
                responsibility += 1 / (1 + Math.Exp(logOdds + logModel[i] - logKernel[i]));
            }
            weight = Math.Clamp(responsibility / logModel.Length, 1e-4, 1 - 1e-4);
        }
        double total = 0;
        for (int i = 0; i < logModel.Length; i++) total += LogSpace.Add(Math.Log(1 - weight) + logModel[i], Math.Log(weight) + logKernel[i]);
        return (weight, total / logModel.Length);
    }
}
