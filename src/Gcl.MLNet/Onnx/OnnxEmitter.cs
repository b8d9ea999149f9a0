using static TorchSharp.torch;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// Translates one module type into ONNX nodes: one subclass per network or layer type, registered in
/// <see cref="OnnxEmitters"/>. The result kind lets one module type have several translations (a flow layer's
/// forward and inverse directions, each a record of value names).
/// </summary>
/// <typeparam name="TModule">The module type translated.</typeparam>
/// <typeparam name="TResult">What <see cref="Emit"/> returns: a value name, or a record of value names.</typeparam>
internal abstract class OnnxEmitter<TModule, TResult> : IOnnxEmitter<TResult>
    where TModule : nn.Module
{
    /// <inheritdoc />
    public Type ModuleType => typeof(TModule);

    /// <inheritdoc />
    public Type ResultType => typeof(TResult);

    /// <summary>Appends the nodes computing <paramref name="module"/> on the value <paramref name="input"/>.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="module">The module; its parameters become float32 initializers.</param>
    /// <param name="input">The value name the module is applied to.</param>
    /// <param name="emitters">The registry, for submodules (call <see cref="OnnxEmitters.Emit{TResult}"/>).</param>
    /// <returns>The value name(s) of the module's result.</returns>
    public abstract TResult Emit(OnnxGraphBuilder graph, TModule module, string input, OnnxEmitters emitters);

    /// <inheritdoc />
    TResult IOnnxEmitter<TResult>.Emit(OnnxGraphBuilder graph, nn.Module module, string input, OnnxEmitters emitters) =>
        Emit(graph, (TModule)module, input, emitters);
}
