using Gcl.MLNet.Native;
using TorchSharp;
using Xunit;

namespace Gcl.MLNet.Tests.Flows;

/// <summary>
/// The Flows tests that train or evaluate large batches run in this collection: alone (no other test class of the
/// process runs beside them) and with one intra-op torch thread. On a 2-core machine, two torch computations with
/// two OpenMP threads each make every small operation wait for a descheduled thread: measured 25-50x slower
/// (a 2-second fit took 50-90 seconds), which would turn wall-clock budgets into noise.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialComputeCollection : ICollectionFixture<SingleTorchThread>
{
    /// <summary>The collection's name for <see cref="CollectionAttribute"/>.</summary>
    public const string Name = "Flows: serial torch compute";
}

/// <summary>Sets torch to one intra-op thread for the collection's lifetime and restores the previous count.</summary>
public sealed class SingleTorchThread : IDisposable
{
    private readonly int previous;

    public SingleTorchThread()
    {
        TorchRuntime.EnsureLoaded();
        previous = torch.get_num_threads();
        TorchRuntime.SetThreads(1);
    }

    public void Dispose() => TorchRuntime.SetThreads(previous);
}
