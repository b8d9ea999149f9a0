using static TorchSharp.torch;

namespace Gcl.MLNet.Training;

/// <summary>
/// A detached copy of a module's parameters and buffers, to roll back to after a divergence or to restore the
/// best validated state at the end of training.
/// </summary>
internal sealed class ModuleSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> state;

    private ModuleSnapshot(Dictionary<string, Tensor> state) => this.state = state;

    /// <summary>Copies the current state of <paramref name="module"/>.</summary>
    public static ModuleSnapshot Take(nn.Module module)
    {
        using var noGrad = no_grad();
        var copy = module.state_dict().ToDictionary(
            pair => pair.Key,
            pair => pair.Value.detach().clone().DetachFromDisposeScope());
        return new ModuleSnapshot(copy);
    }

    /// <summary>Writes the copied state back into <paramref name="module"/> (same structure).</summary>
    public void Restore(nn.Module module)
    {
        using var noGrad = no_grad();
        foreach (var (name, value) in module.state_dict())
        {
            value.copy_(state[name]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in state.Values) tensor.Dispose();
    }
}
