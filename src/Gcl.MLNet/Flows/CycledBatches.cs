using static TorchSharp.torch;

namespace Gcl.MLNet.Flows;

/// <summary>
/// An endless stream of training batches: pass after pass of an epoch source, so that step-budgeted trainers need
/// not care how many rows one pass holds.
/// </summary>
internal sealed class CycledBatches(Func<IEnumerable<Tensor>> epochBatches) : IDisposable
{
    private IEnumerator<Tensor>? pass;

    /// <summary>Passes begun so far.</summary>
    public int Epochs { get; private set; }

    /// <summary>The next batch, starting a new pass when one ends; owned by the caller's dispose scope.</summary>
    /// <exception cref="InvalidOperationException">The source yields no batch at all.</exception>
    public Tensor Next()
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (pass is null)
            {
                pass = epochBatches().GetEnumerator();
                Epochs++;
            }
            if (pass.MoveNext()) return pass.Current;
            pass.Dispose();
            pass = null;
        }
        throw new InvalidOperationException("The training data yielded no batch in a whole pass.");
    }

    /// <inheritdoc />
    public void Dispose() => pass?.Dispose();
}
