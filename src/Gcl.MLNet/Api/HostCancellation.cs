using System.Reflection;
using Microsoft.ML.Runtime;

namespace Gcl.MLNet.Api;

/// <summary>
/// Observes <c>mlContext.CancelExecution()</c>. ML.NET 5 marks every host registered on the context as cancelled,
/// but says so only through its internal interface <c>Microsoft.ML.Runtime.ICancelable</c>; this reads that
/// interface's <c>IsCanceled</c> by reflection, once per host. A test pins it; where a future ML.NET drops the
/// interface, Fit still honours <see cref="EnergyModelOptions.CancellationToken"/>.
/// </summary>
internal static class HostCancellation
{
    private const string InterfaceName = "Microsoft.ML.Runtime.ICancelable";

    /// <summary>A check of whether <paramref name="host"/> was cancelled, or null when ML.NET does not expose it.</summary>
    public static Func<bool>? Observe(IHost host)
    {
        var cancelable = host.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == InterfaceName);
        var isCanceled = cancelable?.GetProperty("IsCanceled", BindingFlags.Public | BindingFlags.Instance)?.GetMethod;
        if (isCanceled is null || isCanceled.ReturnType != typeof(bool)) return null;
        return () => (bool)isCanceled.Invoke(host, null)!;
    }
}
