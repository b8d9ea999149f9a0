using System.Runtime.CompilerServices;

namespace Gcl.MLNet.Samples.Tests;

/// <summary>
/// Process-wide test settings. xunit runs test classes in parallel on the 2 CI cores; torch's own intra-op thread
/// pool on top of that oversubscribes them (measured: up to 10x slower), so each test computes on one thread.
/// </summary>
internal static class TestSetup
{
    [ModuleInitializer]
    internal static void OneTorchThread() => TorchSharp.torch.set_num_threads(1);
}
