using Gcl.MLNet.Networks;
using Gcl.MLNet.Persistence;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Gcl.MLNet.Tests.Persistence;

public sealed class TorchStateLayoutTests
{
    [Fact]
    public void BytesThatModuleSaveWroteFitAModuleOfTheSameShape()
    {
        using var saved = new Mlp("m", 4, [8], 1);
        using var target = new Mlp("m", 4, [8], 1);
        var bytes = Bytes(saved);

        TorchStateLayout.Check(bytes, target, "x.bin");
        target.load(new MemoryStream(bytes));

        Assert.Equal(saved.Layers[0].weight!.data<float>().ToArray(), target.Layers[0].weight!.data<float>().ToArray());
    }

    [Fact]
    public void AnotherShapeDtypeOrTensorCountIsNamed()
    {
        using var saved = new Mlp("m", 4, [8], 1);
        using var wider = new Mlp("m", 4, [16], 1);
        using var deeper = new Mlp("m", 4, [8, 8], 1);
        using var doubles = new Mlp("m", 4, [8], 1);
        doubles.to(ScalarType.Float64);
        var bytes = Bytes(saved);

        Assert.Equal("The model file's x.bin does not fit the model described by its manifest: tensor 'layers.0.weight' has shape other than [16, 4].",
            Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check(bytes, wider, "x.bin")).Message);
        Assert.Equal("The model file's x.bin does not fit the model described by its manifest: it holds 4 tensors; the model needs 6.",
            Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check(bytes, deeper, "x.bin")).Message);
        Assert.Equal("The model file's x.bin does not fit the model described by its manifest: tensor 'layers.0.weight' has element type 6; expected Float64.",
            Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check(bytes, doubles, "x.bin")).Message);
    }

    [Fact]
    public void CutAndPaddedBytesAreNamed()
    {
        using var module = new Mlp("m", 4, [8], 1);
        var bytes = Bytes(module);

        Assert.EndsWith("tensor 'layers.1.bias' is cut short.",
            Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check(bytes[..^1], module, "x.bin")).Message);
        Assert.EndsWith("it ends in the middle of a tensor header.",
            Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check(bytes[..3], module, "x.bin")).Message);
        Assert.EndsWith("2 unexpected bytes follow the last tensor.",
            Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check([.. bytes, 0, 0], module, "x.bin")).Message);
        Assert.Throws<InvalidDataException>(() => TorchStateLayout.Check([], module, "x.bin"));
    }

    private static byte[] Bytes(nn.Module module)
    {
        using var buffer = new MemoryStream();
        module.save(buffer);
        return buffer.ToArray();
    }
}
