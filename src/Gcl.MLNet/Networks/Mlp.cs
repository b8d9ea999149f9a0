using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gcl.MLNet.Networks;

/// <summary>
/// A fully connected network with SiLU activations between layers: the building block of the energy network
/// and of the flow conditioners. Smooth activations keep the energy's gradients (and the flow's Jacobians) smooth.
/// </summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> layers;

    /// <summary>Creates an MLP <paramref name="inputSize"/> → hidden… → <paramref name="outputSize"/>.</summary>
    /// <param name="name">Module name (appears in state-dict keys).</param>
    /// <param name="inputSize">Width of the input.</param>
    /// <param name="hiddenSizes">Widths of the hidden layers, in order (may be empty: a linear map).</param>
    /// <param name="outputSize">Width of the output.</param>
    /// <param name="zeroLastLayer">Start the last layer at zero (identity-initialized flows, zero energy tilt).</param>
    /// <param name="initialization">
    /// Draws every weight and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (torch's default for linear layers) with
    /// this generator, so a network built from a seed is the same on every run without touching torch's global
    /// random state; null keeps torch's own initialization.
    /// </param>
    public Mlp(string name, int inputSize, IReadOnlyList<int> hiddenSizes, int outputSize, bool zeroLastLayer = false, Generator? initialization = null)
        : base(name)
    {
        var widths = new List<int> { inputSize };
        widths.AddRange(hiddenSizes);
        widths.Add(outputSize);
        layers = new ModuleList<Linear>();
        for (int i = 0; i + 1 < widths.Count; i++)
        {
            layers.Add(nn.Linear(widths[i], widths[i + 1]));
        }
        using (no_grad())
        {
            for (int i = 0; i < layers.Count; i++)
            {
                var weight = layers[i].weight!;
                var bias = layers[i].bias!;
                if (zeroLastLayer && i == layers.Count - 1)
                {
                    // zero_ hands back a second wrapper of the same tensor; freeing it keeps the live count exact.
                    DisposeIfAlias(weight.zero_(), weight);
                    DisposeIfAlias(bias.zero_(), bias);
                }
                else if (initialization != null)
                {
                    double bound = 1.0 / Math.Sqrt(weight.shape[1]);
                    weight.uniform_(-bound, bound, initialization);
                    bias.uniform_(-bound, bound, initialization);
                }
            }
        }
        RegisterComponents();
    }

    private static void DisposeIfAlias(Tensor result, Tensor original)
    {
        if (!ReferenceEquals(result, original)) result.Dispose();
    }

    /// <summary>The number of weights and biases of an MLP of these sizes, without building it.</summary>
    public static long ValueCount(long inputSize, IEnumerable<int> hiddenSizes, long outputSize)
    {
        long count = 0, previous = inputSize;
        foreach (long width in hiddenSizes.Append((int)outputSize))
        {
            count += (previous + 1) * width;
            previous = width;
        }
        return count;
    }

    /// <summary>The linear layers, first to last (for exporters).</summary>
    public IReadOnlyList<Linear> Layers => layers.ToList();

    /// <summary>The widths of the hidden layers, first to last.</summary>
    public IReadOnlyList<int> HiddenSizes => layers.Take(layers.Count - 1).Select(l => (int)l.weight!.shape[0]).ToArray();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var h = input;
        for (int i = 0; i < layers.Count; i++)
        {
            h = layers[i].forward(h);
            if (i + 1 < layers.Count) h = nn.functional.silu(h);
        }
        return h;
    }
}
