using Gcl.MLNet.Native;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Networks;

/// <summary>
/// Adam (Kingma and Ba 2015) with PyTorch's update and bias correction, and AdamW's decoupled weight decay when
/// <c>weightDecay</c> is positive. It replaces TorchSharp's optimizers because their step makes temporary Scalars
/// that a garbage collection can free mid-call (see <see cref="KeptScalars"/>); here every Scalar lives to the end
/// of the step. Tested against TorchSharp's Adam and AdamW step by step.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor[] firstMoments;
    private readonly Tensor[] secondMoments;
    private readonly double learningRate, beta1, beta2, epsilon, weightDecay;
    private long steps;

    /// <summary>Creates the optimizer with zero moments for every parameter.</summary>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
    {
        this.parameters = [.. parameters];
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        using var noGrad = no_grad();
        firstMoments = [.. this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
        secondMoments = [.. this.parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
    }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();
        foreach (var parameter in parameters) parameter.grad?.zero_();
    }

    /// <summary>One update from the parameters' current gradients (parameters without one are left alone).</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        steps++;
        double firstCorrection = 1 - Math.Pow(beta1, steps);
        double secondCorrection = 1 - Math.Pow(beta2, steps);
        using var keepFirst = beta1.ToScalar();
        using var addFirst = (1 - beta1).ToScalar();
        using var keepSecond = beta2.ToScalar();
        using var addSecond = (1 - beta2).ToScalar();
        using var decay = (1 - learningRate * weightDecay).ToScalar();
        using var stepSize = (-learningRate / firstCorrection).ToScalar();
        for (int i = 0; i < parameters.Length; i++)
        {
            var gradient = parameters[i].grad;
            if (gradient is null) continue;
            if (weightDecay > 0) parameters[i].mul_(decay);
            firstMoments[i].mul_(keepFirst).add_(gradient, addFirst);
            secondMoments[i].mul_(keepSecond).addcmul_(gradient, gradient, addSecond);
            var denominator = secondMoments[i].sqrt().DividedBy(Math.Sqrt(secondCorrection)).Plus(epsilon);
            parameters[i].addcdiv_(firstMoments[i], denominator, stepSize);
        }
    }

    /// <summary>Frees the moment tensors.</summary>
    public void Dispose()
    {
        foreach (var moment in firstMoments.Concat(secondMoments)) moment.Dispose();
    }
}
