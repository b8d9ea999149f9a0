using static TorchSharp.torch;

namespace Gcl.MLNet.Onnx;

/// <summary>
/// What <see cref="OnnxEmitters"/> needs to file an emitter: the module type it translates and the kind of result
/// it returns. Emitters derive from <see cref="OnnxEmitter{TModule, TResult}"/> rather than implement this directly.
/// </summary>
internal interface IOnnxEmitter
{
    /// <summary>The module type translated (subclasses of it are translated too, unless they have their own emitter).</summary>
    Type ModuleType { get; }

    /// <summary>The result kind: <see cref="string"/> (one value name) for networks, a record of names for layers with more outputs.</summary>
    Type ResultType { get; }
}

/// <summary>An emitter seen through its result kind, so the registry can call it on an untyped module.</summary>
/// <typeparam name="TResult">The result kind.</typeparam>
internal interface IOnnxEmitter<TResult> : IOnnxEmitter
{
    /// <summary>Appends the nodes computing <paramref name="module"/> on the value <paramref name="input"/>.</summary>
    /// <param name="graph">The graph under construction.</param>
    /// <param name="module">A module of type <see cref="IOnnxEmitter.ModuleType"/>.</param>
    /// <param name="input">The value name the module is applied to.</param>
    /// <param name="emitters">The registry, for modules that contain other modules.</param>
    /// <returns>The value name(s) of the module's result.</returns>
    TResult Emit(OnnxGraphBuilder graph, nn.Module module, string input, OnnxEmitters emitters);
}
