using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// A detached copy of a module's state dict (parameters and buffers), owned outside any dispose scope, that can
/// be written back later: how training keeps its best weights for early stopping and rollback.
/// </summary>
internal sealed class ParameterSnapshot : IDisposable
{
    private readonly Dictionary<string, Tensor> state;

    private ParameterSnapshot(Dictionary<string, Tensor> state) => this.state = state;

    /// <summary>Copies the current state of <paramref name="module"/>.</summary>
    public static ParameterSnapshot Take(nn.Module module)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var copy = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in module.state_dict())
        {
            copy[name] = tensor.detach().clone().DetachFromDisposeScope();
        }
        return new ParameterSnapshot(copy);
    }

    /// <summary>Writes the saved values back into <paramref name="module"/> (same structure required).</summary>
    public void Restore(nn.Module module) => module.load_state_dict(state);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var tensor in state.Values) tensor.Dispose();
        state.Clear();
    }
}
