using static TorchSharp.torch;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// The registry of ONNX emitters, keyed by module type and result kind. Exporters hand it whole networks; an
/// emitter of a composite module hands it the submodules. A module with no emitter fails the export with a
/// <see cref="NotSupportedException"/> that names its type.
/// </summary>
internal sealed class OnnxEmitters
{
    private readonly Dictionary<(Type Module, Type Result), IOnnxEmitter> byType = new();

    /// <summary>Creates a registry holding <paramref name="emitters"/>.</summary>
    /// <param name="emitters">At most one emitter per module type and result kind.</param>
    /// <exception cref="ArgumentException">Two emitters share a module type and result kind.</exception>
    public OnnxEmitters(params IOnnxEmitter[] emitters)
    {
        foreach (var emitter in emitters)
        {
            if (!byType.TryAdd((emitter.ModuleType, emitter.ResultType), emitter))
            {
                throw new ArgumentException(
                    $"Two ONNX emitters translate {emitter.ModuleType.Name} to {emitter.ResultType.Name}.", nameof(emitters));
            }
        }
    }

    /// <summary>A registry of every emitter the library has (add each new network or layer emitter here).</summary>
    public static OnnxEmitters Standard() => new(
        new LinearEmitter(),
        new MlpEmitter(),
        new ActNormEmitter<ForwardFlowStep>(),
        new ActNormEmitter<InverseFlowStep>(),
        new InvertibleLinearEmitter<ForwardFlowStep>(),
        new InvertibleLinearEmitter<InverseFlowStep>(),
        new AffineCouplingEmitter<ForwardFlowStep>(),
        new AffineCouplingEmitter<InverseFlowStep>(),
        new RationalQuadraticSplineCouplingEmitter<ForwardFlowStep>(),
        new RationalQuadraticSplineCouplingEmitter<InverseFlowStep>(),
        new NormalizingFlowEmitter<ForwardFlowStep>(),
        new NormalizingFlowEmitter<InverseFlowStep>(),
        new MlpEnergyEmitter(),
        new TiltedFlowEnergyEmitter(),
        new KernelMixtureEnergyEmitter());

    /// <summary>Appends the nodes computing <paramref name="module"/> (a network, no extra outputs) on <paramref name="input"/>.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="module">The module to translate.</param>
    /// <param name="input">The value name the module is applied to.</param>
    /// <returns>The value name of the module's output.</returns>
    /// <exception cref="NotSupportedException">No emitter translates the module's type.</exception>
    public string Emit(OnnxGraphBuilder graph, nn.Module module, string input) => Emit<string>(graph, module, input);

    /// <summary>Appends the nodes computing <paramref name="module"/> on <paramref name="input"/>, with the result kind <typeparamref name="TResult"/>.</summary>
    /// <typeparam name="TResult">The result kind wanted.</typeparam>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="module">The module to translate.</param>
    /// <param name="input">The value name the module is applied to.</param>
    /// <returns>The value name(s) of the module's result.</returns>
    /// <exception cref="NotSupportedException">No emitter translates the module's type (or a base type) to <typeparamref name="TResult"/>.</exception>
    public TResult Emit<TResult>(OnnxGraphBuilder graph, nn.Module module, string input)
    {
        for (var type = module.GetType(); type != null; type = type.BaseType)
        {
            if (byType.TryGetValue((type, typeof(TResult)), out var emitter))
            {
                return ((IOnnxEmitter<TResult>)emitter).Emit(graph, module, input, this);
            }
        }
        string known = string.Join(", ", byType.Keys.Select(key => key.Module.Name).Distinct().Order(StringComparer.Ordinal));
        throw new NotSupportedException(
            $"ONNX export does not support the layer type {module.GetType().Name} ({module.GetType().FullName}): " +
            $"no ONNX emitter producing {typeof(TResult).Name} is registered for it. Layer types with an emitter: {known}.");
    }
}
