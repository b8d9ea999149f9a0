using Gcl.MLNet.Persistence;
using Xunit;

namespace Gcl.MLNet.Tests.Persistence;

public sealed class EntryDigestTests
{
    [Fact]
    public void TheDigestIsTheLengthAndLowerCaseSha256()
    {
        var digest = EntryDigest.Of("abc"u8.ToArray());

        Assert.Equal(new EntryDigest(3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), digest);
        Assert.True(digest.Matches("abc"u8.ToArray()));
        Assert.False(digest.Matches("abd"u8.ToArray()));
        Assert.False(digest.Matches("abcd"u8.ToArray()));
    }
}
