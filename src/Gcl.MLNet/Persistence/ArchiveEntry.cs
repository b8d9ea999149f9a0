namespace Gcl.MLNet.Persistence;

/// <summary>
/// An extra file stored in the model archive beside the weights (the extension point of the format: the ONNX
/// exporter adds <c>model.onnx</c> this way). Every entry is listed with its digest in the manifest and verified
/// when the archive is read; readers that do not use an entry still carry it over when they save again.
/// </summary>
/// <param name="Name">Entry name, a plain file name such as <c>model.onnx</c>.</param>
/// <param name="Content">The bytes.</param>
internal sealed record ArchiveEntry(string Name, byte[] Content);
