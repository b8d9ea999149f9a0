using Gcl.MLNet.Native;
using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// The losses of Finn et al. (2016), Section 3, for the density-aware discriminator
/// D(u) = sigmoid(l(u)) with logit l(u) = -E(u) - b - log q(u), where the scalar b plays log Z.
/// All inputs are per-row vectors [N]; data and generator batches have equal size, so their union is the
/// equal mixture mu of the paper.
/// </summary>
internal static class AdversarialObjective
{
    /// <summary>The discriminator logit l = -E - b - log q.</summary>
    public static Tensor Logits(Tensor energy, Tensor logQ, Tensor logPartition) => -energy - logPartition - logQ;

    /// <summary>
    /// Binary cross-entropy with data labelled 1 and generator samples labelled 0, averaged within each class and
    /// summed: mean softplus(-l(data)) + mean softplus(l(gen)). With this scaling its gradient in the energy's
    /// parameters equals that of the importance-sampled MaxEnt-IRL objective (the paper's Eq. 9-10).
    /// </summary>
    public static Tensor DiscriminatorLoss(Tensor energyData, Tensor logQData, Tensor energyGenerated, Tensor logQGenerated, Tensor logPartition)
    {
        var dataTerm = (-Logits(energyData, logQData, logPartition)).Softplus().mean();
        var generatedTerm = Logits(energyGenerated, logQGenerated, logPartition).Softplus().mean();
        return dataTerm.Plus(generatedTerm);
    }

    /// <summary>
    /// The generator's loss E_q[E(u) + log q(u)], the reverse KL to the energy model up to log Z; equal to the
    /// paper's E_q[log(1 - D) - log D] minus b. Minimized through reparameterized samples.
    /// </summary>
    public static Tensor GeneratorLoss(Tensor energyGenerated, Tensor logQGenerated) => energyGenerated.Plus(logQGenerated).mean();

    /// <summary>
    /// The paper's importance-sampling estimate of log Z over the mixture of data and generator samples (Eq. 4-5):
    /// log( mean over mu of exp(-E) / mu~ ), mu~(u) = 0.5 exp(-E(u)) / Z + 0.5 q(u), Z = exp(logPartition).
    /// At the discriminator's optimal b it returns b itself (a fixed point); during training it monitors b.
    /// </summary>
    public static Tensor MixtureLogPartition(Tensor energyData, Tensor logQData, Tensor energyGenerated, Tensor logQGenerated, Tensor logPartition)
    {
        var energy = cat(new[] { energyData, energyGenerated });
        var logQ = cat(new[] { logQData, logQGenerated });
        var logMixture = logaddexp(-energy - logPartition, logQ).Plus(-Math.Log(2));
        var logWeights = -energy - logMixture;
        return logWeights.logsumexp(0).Plus(-Math.Log(energy.shape[0]));
    }
}
