using System.Reflection;
using Microsoft.ML.Runtime;

namespace Gcl.MLNet.Api;

/// <summary>
/// Reaches the <see cref="IHostEnvironment"/> behind an ML.NET catalog (<c>mlContext.Transforms</c>,
/// <c>mlContext.AnomalyDetection.Trainers</c>): ML.NET 5 exposes it only through the internal interface
/// <c>Microsoft.ML.Data.IInternalCatalog</c>. The environment carries the MLContext's seed and log. A test pins this;
/// if it ever fails, the error names the <c>MLContext</c>-taking overloads that need no reflection.
/// </summary>
internal static class CatalogEnvironment
{
    private const string InterfaceName = "Microsoft.ML.Data.IInternalCatalog";

    /// <summary>The environment of <paramref name="catalog"/>.</summary>
    /// <param name="catalog">An ML.NET catalog object.</param>
    /// <param name="fallback">The overload to name in the error, e.g. <c>mlContext.Transforms.EnergyModel(mlContext, ...)</c>.</param>
    /// <exception cref="InvalidOperationException">The catalog does not expose its environment the expected way.</exception>
    public static IHostEnvironment Get(object catalog, string fallback)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var property = catalog.GetType().GetInterfaces().FirstOrDefault(i => i.FullName == InterfaceName)
            ?.GetProperty("Environment", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        object? value = null;
        try
        {
            value = property?.GetValue(catalog);
        }
        catch (TargetInvocationException)
        {
            value = null;
        }
        return value as IHostEnvironment ?? throw new InvalidOperationException(
            $"Gcl.MLNet cannot reach the MLContext behind {catalog.GetType().Name} ({InterfaceName}.Environment is " +
            $"missing in this ML.NET version). Pass the MLContext explicitly: {fallback}.");
    }
}
