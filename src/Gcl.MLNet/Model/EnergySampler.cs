using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;
using Gcl.MLNet.Inference;
using Gcl.MLNet.Native;
using Gcl.MLNet.Training;
using static TorchSharp.torch;

namespace Gcl.MLNet.Model;

/// <summary>
/// Draws standardized rows from the energy model p(u) = exp(-E(u)) / Z, the density scoring reports, rather than from
/// the generator.
/// <list type="bullet">
/// <item>A tilted energy, <c>exp(-E) = b(u) exp(-h(u))</c> with <c>|h| ≤ c</c>, is sampled exactly by rejection: draw u
/// from the base b, keep it with probability <c>exp(-h(u) - c) ≤ 1</c>. Kept rows are independent draws from p within
/// the input range (|u_j| ≤ <see cref="InputRange.Bound"/>; candidates outside it are rejected, the model holding a
/// negligible share of its mass there). The acceptance rate is about <c>Z exp(-c)</c>, at least <c>exp(-2c)</c>; an
/// untrained tilt (h = 0) uses the bound 0 instead of c (<see cref="TiltedFlowEnergy.NegativeTiltBound"/>) and keeps
/// every candidate in range.</item>
/// <item>An energy with a kernel term, <c>(1 - w) p_E + w K</c>, draws a Binomial(count, w) share from the kernel
/// (a random center plus Gaussian noise, exact) and the rest from p_E as the other items describe.</item>
/// <item>A free-form energy has no such bound: it is sampled by importance resampling from the log Z proposal, each
/// block of rows drawn with replacement from a pool <see cref="PoolFactor"/> times larger, with weights
/// <c>exp(-E) / r</c>; the pool's effective sample size is reported.</item>
/// </list>
/// </summary>
internal static class EnergySampler
{
    /// <summary>Pool rows per resampled row (free-form energies).</summary>
    public const int PoolFactor = 16;

    /// <summary>Candidate rows per rejection block, and rows per resampling block.</summary>
    public const int BlockRows = 16_384;

    /// <summary>Candidates after which a rejection sampler that keeps fewer than <see cref="MinimumAcceptance"/> of them gives up.</summary>
    public const long GiveUpAfter = 4_000_000;

    /// <summary>The lowest acceptance rate worth waiting for.</summary>
    public const double MinimumAcceptance = 1e-4;

    /// <summary>Draws <paramref name="count"/> rows [count, d], the candidates drawn and the effective sample size.</summary>
    /// <exception cref="InvalidOperationException">The rejection sampler accepts too rarely to finish (a very large tilt bound).</exception>
    public static (Tensor Rows, long Proposals, double EffectiveSampleSize) Draw(EnergyFunction energy, NormalizingFlow generator, long count, Generator random) => energy switch
    {
        KernelMixtureEnergy kernel => Mixture(kernel, generator, count, random),
        TiltedFlowEnergy tilted => Rejection(tilted, count, random),
        _ => Resampling(PartitionEstimation.Proposal(energy, generator, DefensiveMixtureProposal.DefaultDefensiveWeight, DefensiveMixtureProposal.DefaultGaussianScale),
            energy, count, random),
    };

    // The mixture (1 - w) p_E + w K: a Binomial(count, w) share drawn from the kernel (exactly), the rest from p_E by
    // Draw, in random order; the kernel's draws count as independent in the proposals and the effective size.
    private static (Tensor, long, double) Mixture(KernelMixtureEnergy energy, NormalizingFlow generator, long count, Generator random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long fromKernel = (long)binomial(tensor((double)count, ScalarType.Float64), tensor(energy.Weight, ScalarType.Float64), random).item<double>();
        var (fromEnergy, proposals, effective) = fromKernel == count ? (empty(0, energy.Dimension), 0L, 0.0) : Draw(energy.Inner, generator, count - fromKernel, random);
        var rows = cat(new[] { fromEnergy.to(energy.Centers.dtype), energy.SampleKernel(fromKernel, random) }, 0);
        return (scope.MoveToOuter(rows.index_select(0, randperm(count, generator: random))), proposals + fromKernel, effective + fromKernel);
    }

    private static (Tensor, long, double) Rejection(TiltedFlowEnergy energy, long count, Generator random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var kept = new List<Tensor>();
        long have = 0, proposals = 0;
        double bound = energy.NegativeTiltBound;
        while (have < count)
        {
            using var block = NewDisposeScope();
            var u = energy.SampleBase(BlockRows, random);
            var inRange = u.abs().AtMost(InputRange.Bound).all(1);
            var logAccept = energy.PenalizedPart(u).neg().Plus(-bound);
            var uniform = rand(new[] { (long)BlockRows }, logAccept.dtype, generator: random);
            var accepted = u.index(uniform.log().lt(logAccept).logical_and(inRange));
            proposals += BlockRows;
            have += accepted.shape[0];
            kept.Add(block.MoveToOuter(accepted));
            if (proposals >= GiveUpAfter && have < MinimumAcceptance * proposals)
            {
                throw new InvalidOperationException(
                    $"Sampling the energy model accepted {have} of {proposals} candidates: its tilt bound ({energy.TiltBound} nats) " +
                    "is too loose for rejection sampling. Draw from the generator instead (SampleSource.Generator), or fit with a lower TiltBound.");
            }
        }
        var rows = cat(kept.ToArray(), 0).narrow(0, 0, count);
        return (scope.MoveToOuter(rows), proposals, count);
    }

    private static (Tensor, long, double) Resampling(DefensiveMixtureProposal proposal, EnergyFunction energy, long count, Generator random)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        long proposals = 0;
        double effective = 0;
        for (long start = 0; start < count; start += BlockRows)
        {
            using var block = NewDisposeScope();
            long rows = Math.Min(BlockRows, count - start), pool = rows * PoolFactor;
            var (u, logR) = proposal.SampleWithLogProb(pool, random);
            var logWeights = energy.forward(u).neg().sub(logR).to(ScalarType.Float64);
            var weights = logWeights.sub(logWeights.max()).exp();
            effective += weights.sum().Squared().div(weights.Squared().sum()).item<double>();
            var picks = multinomial(weights, rows, replacement: true, generator: random);
            parts.Add(block.MoveToOuter(u.index_select(0, picks)));
            proposals += pool;
        }
        return (scope.MoveToOuter(cat(parts.ToArray(), 0)), proposals, effective);
    }
}
