using Gcl.MLNet.Energy;
using Gcl.MLNet.Flows;

namespace Gcl.MLNet.Model;

/// <summary>
/// The native modules that several <see cref="EnergyModel"/> views share (a fitted model and those derived from it
/// with another threshold): it counts the views not yet disposed and the calls running, and frees the energy and
/// the generator once both counts are zero, so disposing one view never frees modules another still uses.
/// </summary>
internal sealed class SharedModules(EnergyFunction energy, NormalizingFlow generator)
{
    private readonly object gate = new();
    private int views = 1;
    private int activeCalls;
    private bool released;

    /// <summary>Whether the modules have been freed.</summary>
    public bool IsReleased
    {
        get
        {
            lock (gate) return released;
        }
    }

    /// <summary>Counts one more view; the caller must be a view that is not disposed, so the modules are alive.</summary>
    public void AddView()
    {
        lock (gate)
        {
            if (released) throw new InvalidOperationException("The shared modules were already freed.");
            views++;
        }
    }

    /// <summary>A view stopped using the modules (it was disposed).</summary>
    public void RemoveView() => Update(ref views);

    /// <summary>A call started on a view that is not disposed.</summary>
    public void Enter()
    {
        lock (gate) activeCalls++;
    }

    /// <summary>A call left.</summary>
    public void Leave() => Update(ref activeCalls);

    // Decrements a count; the caller that brings both counts to zero frees the modules, outside the lock.
    private void Update(ref int count)
    {
        lock (gate)
        {
            count--;
            if (views > 0 || activeCalls > 0 || released) return;
            released = true;
        }
        energy.Dispose();
        generator.Dispose();
    }
}
