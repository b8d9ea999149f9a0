using Gcl.MLNet.Ingestion;
using Xunit;

namespace Gcl.MLNet.Tests.Ingestion;

public sealed class ValidationSplitTests
{
    [Fact]
    public void DrawsAreDeterministicUniformAndDependOnTheSeed()
    {
        var draws = Enumerable.Range(0, 20_000).Select(i => ValidationSplit.Draw(42, i)).ToArray();

        Assert.All(draws, d => Assert.InRange(d, 0.0, 1.0 - 1e-12));
        Assert.Equal(draws, Enumerable.Range(0, 20_000).Select(i => ValidationSplit.Draw(42, i)));
        // Each tenth of [0, 1) holds 2000 +- 3 sd (sd = 42) of the draws.
        for (int bin = 0; bin < 10; bin++)
        {
            Assert.InRange(draws.Count(d => (int)(d * 10) == bin), 1874, 2126);
        }
        int agreements = Enumerable.Range(0, 20_000).Count(i => ValidationSplit.Draw(43, i) < 0.1 == draws[i] < 0.1);
        Assert.InRange(agreements, 15_500, 17_500); // independent splits agree on about 82% of rows, not all
    }
}
