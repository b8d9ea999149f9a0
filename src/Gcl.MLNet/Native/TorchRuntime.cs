using System.Runtime.InteropServices;
using TorchSharp;

namespace Gcl.MLNet.Native;

/// <summary>
/// Loads the native torch library once, with a message that says how to fix a failed load, and applies the
/// library's thread settings. Every entry point that touches TorchSharp calls <see cref="EnsureLoaded"/> first.
/// </summary>
internal static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Makes sure TorchSharp's native library is loaded.</summary>
    /// <exception cref="InvalidOperationException">The native library cannot be loaded; the message says why and how to fix it.</exception>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } failure)
        {
            throw new InvalidOperationException(
                "TorchSharp's native library could not be loaded. Reference a libtorch backend package " +
                "(libtorch-cpu-linux-x64, TorchSharp-cpu or a CUDA one) in the application. On Linux with a libstdc++ " +
                "older than GCC 13 (Debian 12, Ubuntu 22.04) the Gcl.MLNet build step must have patched " +
                "runtimes/linux-x64/native/libLibTorchSharp.so in the output (see README, Troubleshooting). " +
                $"Cause: {Innermost(failure).Message}",
                failure);
        }
    }

    /// <summary>Sets the number of threads torch uses inside one operation (intra-op) for this process.</summary>
    /// <param name="threads">A positive thread count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not positive.</exception>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        EnsureLoaded();
        if (torch.get_num_threads() != threads) torch.set_num_threads(threads);
    }

    private static Exception? TryLoad()
    {
        try
        {
            using var probe = torch.zeros(1);
            SetInterOpThreadsOnce();
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or ExternalException)
        {
            return e;
        }
    }

    // Inter-op threads run work that libtorch launches asynchronously, which nothing here does; one is enough, and
    // libtorch accepts the setting only before its pool starts (later calls throw and are ignored).
    private static void SetInterOpThreadsOnce()
    {
        try
        {
            if (torch.get_num_interop_threads() != 1) torch.set_num_interop_threads(1);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException)
        {
            // The pool already runs (the application used torch first); its size stays as the application chose.
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException != null) e = e.InnerException;
        return e;
    }
}
