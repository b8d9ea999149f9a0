using System.Text;
using static TorchSharp.torch;

namespace Gcl.MLNet.Persistence;

/// <summary>
/// Reads the layout of TorchSharp's <c>Module.save</c> format in managed code (a LEB128 entry count; per entry a
/// length-prefixed UTF-8 name, the LEB128 dtype, rank and dimensions, then the raw values) and checks it against
/// the module that will load it: same names, dtypes and shapes, and exactly the bytes they need. Only bytes that
/// pass reach TorchSharp, so a damaged or forged entry fails with a clear error instead of in native code.
/// </summary>
internal static class TorchStateLayout
{
    /// <summary>Checks <paramref name="bytes"/> against <paramref name="module"/>'s state dict.</summary>
    /// <param name="bytes">What <c>Module.save</c> wrote.</param>
    /// <param name="module">A module of the expected structure, dtype and device.</param>
    /// <param name="entryName">Archive entry name, for messages.</param>
    /// <exception cref="InvalidDataException">The bytes do not describe exactly this module's state.</exception>
    public static void Check(byte[] bytes, nn.Module module, string entryName)
    {
        var expected = module.state_dict();
        using var stream = new MemoryStream(bytes, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            long count = Decode(reader);
            if (count != expected.Count) throw Invalid(entryName, $"it holds {count} tensors; the model needs {expected.Count}");
            var seen = new HashSet<string>();
            for (long i = 0; i < count; i++)
            {
                string name = reader.ReadString();
                if (!expected.TryGetValue(name, out var tensor) || !seen.Add(name)) throw Invalid(entryName, $"unexpected or repeated tensor '{name}'");
                long type = Decode(reader);
                if (type != (long)tensor.dtype) throw Invalid(entryName, $"tensor '{name}' has element type {type}; expected {tensor.dtype}");
                long rank = Decode(reader);
                if (rank != tensor.shape.Length) throw Invalid(entryName, $"tensor '{name}' has rank {rank}; expected {tensor.shape.Length}");
                foreach (long size in tensor.shape)
                {
                    if (Decode(reader) != size) throw Invalid(entryName, $"tensor '{name}' has shape other than [{string.Join(", ", tensor.shape)}]");
                }
                long byteCount = tensor.numel() * tensor.ElementSize;
                if (stream.Length - stream.Position < byteCount) throw Invalid(entryName, $"tensor '{name}' is cut short");
                CheckValues(bytes.AsSpan((int)stream.Position, (int)byteCount), tensor.dtype, entryName, name);
                stream.Seek(byteCount, SeekOrigin.Current);
            }
            if (stream.Position != stream.Length) throw Invalid(entryName, $"{stream.Length - stream.Position} unexpected bytes follow the last tensor");
        }
        catch (EndOfStreamException)
        {
            throw Invalid(entryName, "it ends in the middle of a tensor header");
        }
    }

    /// <summary>Largest weight magnitude a model may hold: trained weights are of order 1 to 100 (standardized data).</summary>
    public const double MaximumWeightMagnitude = 1e6;

    // Float weights must be finite and of plausible size, checked in managed code before TorchSharp sees them.
    private static void CheckValues(ReadOnlySpan<byte> values, ScalarType dtype, string entryName, string name)
    {
        int bad = -1;
        double value = 0;
        if (dtype == ScalarType.Float32)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(values);
            for (int i = 0; i < floats.Length && bad < 0; i++)
            {
                if (!(Math.Abs(floats[i]) <= MaximumWeightMagnitude)) (bad, value) = (i, floats[i]);
            }
        }
        else if (dtype == ScalarType.Float64)
        {
            var doubles = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(values);
            for (int i = 0; i < doubles.Length && bad < 0; i++)
            {
                if (!(Math.Abs(doubles[i]) <= MaximumWeightMagnitude)) (bad, value) = (i, doubles[i]);
            }
        }
        if (bad >= 0) throw Invalid(entryName, $"value {bad} of tensor '{name}' is {value}, not a finite weight of magnitude at most {MaximumWeightMagnitude:0e0}");
    }

    // Unsigned LEB128, as TorchSharp's BinaryWriter.Encode writes it.
    private static long Decode(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("A LEB128 number in the weights is longer than 64 bits.");
    }

    private static InvalidDataException Invalid(string entryName, string problem) =>
        new($"The model file's {entryName} does not fit the model described by its manifest: {problem}.");
}
