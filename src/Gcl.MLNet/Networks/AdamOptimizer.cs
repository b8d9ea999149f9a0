using Gcl.MLNet.Native;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Gcl.MLNet.Networks;

/// <summary>
/// Adam (Kingma and Ba 2015) with PyTorch's update and bias correction, and AdamW's decoupled weight decay when
/// <c>weightDecay</c> is positive. It replaces TorchSharp's optimizers because their step makes temporary Scalars
/// that a garbage collection can free mid-call (see <see cref="KeptScalars"/>); here every Scalar lives to the end
/// of the step. The moments live in one flat buffer per kind, and a step gathers the gradients into a flat buffer
/// too: the update is a handful of native calls over every parameter at once, plus a copy in and an add out per
/// parameter, instead of about ten calls per parameter (each costs microseconds of fixed overhead, which dominates
/// for the small tensors of these networks). Tested against TorchSharp's Adam and AdamW step by step.
/// </summary>
internal sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor firstMoment, secondMoment, gradient, update;
    // Per parameter, views of the flat buffers shaped like it.
    private readonly Tensor[] firstMoments, secondMoments, gradients, updates;
    private readonly double learningRate, beta1, beta2, epsilon, weightDecay;
    private long steps;

    /// <summary>Creates the optimizer with zero moments for every parameter (all of one dtype and device).</summary>
    /// <exception cref="ArgumentException">The parameters differ in dtype or device.</exception>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
    {
        this.parameters = [.. parameters];
        if (this.parameters.Select(p => (p.dtype, p.device.ToString())).Distinct().Count() > 1)
        {
            throw new ArgumentException("The parameters of one optimizer must share a dtype and a device.", nameof(parameters));
        }
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        using var noGrad = no_grad();
        long total = this.parameters.Sum(p => p.numel());
        var dtype = this.parameters.Length > 0 ? this.parameters[0].dtype : ScalarType.Float32;
        var device = this.parameters.Length > 0 ? this.parameters[0].device : CPU;
        (firstMoment, firstMoments) = FlatBuffer(total, dtype, device);
        (secondMoment, secondMoments) = FlatBuffer(total, dtype, device);
        (gradient, gradients) = FlatBuffer(total, dtype, device);
        (update, updates) = FlatBuffer(total, dtype, device);
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
        using var one = 1.0.ToScalar();
        var grads = parameters.Select(p => p.grad).ToArray();
        if (grads.All(g => g is not null))
        {
            for (int i = 0; i < parameters.Length; i++) gradients[i].copy_(grads[i]!);
            Update(firstMoment, secondMoment, gradient, update, keepFirst, addFirst, keepSecond, addSecond, stepSize, secondCorrection);
        }
        else
        {
            // Some parameters have no gradient: update the others' slices one by one, leaving those moments alone.
            for (int i = 0; i < parameters.Length; i++)
            {
                if (grads[i] is { } parameterGradient) Update(firstMoments[i], secondMoments[i], parameterGradient, updates[i], keepFirst, addFirst, keepSecond, addSecond, stepSize, secondCorrection);
            }
        }
        for (int i = 0; i < parameters.Length; i++)
        {
            if (grads[i] is null) continue;
            if (weightDecay > 0) parameters[i].mul_(decay);
            parameters[i].add_(updates[i], one);
        }
    }

    /// <summary>Frees the flat buffers and their views.</summary>
    public void Dispose()
    {
        foreach (var tensor in new[] { firstMoment, secondMoment, gradient, update }.Concat(firstMoments).Concat(secondMoments).Concat(gradients).Concat(updates))
        {
            tensor.Dispose();
        }
    }

    // The moments' update from one gradient, and the step it gives, written into updateOut.
    private void Update(Tensor first, Tensor second, Tensor grad, Tensor updateOut, Scalar keepFirst, Scalar addFirst,
        Scalar keepSecond, Scalar addSecond, Scalar stepSize, double secondCorrection)
    {
        first.mul_(keepFirst).add_(grad, addFirst);
        second.mul_(keepSecond).addcmul_(grad, grad, addSecond);
        var denominator = second.sqrt().DividedBy(Math.Sqrt(secondCorrection)).Plus(epsilon);
        updateOut.copy_(first).div_(denominator).mul_(stepSize);
    }

    // A zero buffer of total elements and, per parameter, a view of its slice in the parameter's shape.
    private (Tensor Flat, Tensor[] Views) FlatBuffer(long total, ScalarType dtype, Device device)
    {
        var flat = zeros(total, dtype: dtype, device: device).DetachFromDisposeScope();
        var views = new Tensor[parameters.Length];
        long offset = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            long count = parameters[i].numel();
            using var slice = flat.narrow(0, offset, count);
            views[i] = slice.view(parameters[i].shape).DetachFromDisposeScope();
            offset += count;
        }
        return (flat, views);
    }
}
