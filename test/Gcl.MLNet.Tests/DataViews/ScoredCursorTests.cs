using Gcl.MLNet.DataViews;
using Gcl.MLNet.Tests.Support;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.DataViews;

[Collection(TrainedModelCollection.Name)]
public sealed class ScoredCursorTests(TrainedModel trained)
{
    [Fact]
    public void RowsAcrossBlockBoundariesScoreAsOneModelCallWouldAndPassThroughColumnsFollow()
    {
        int count = 2 * ScoredCursor.BlockRows + 37;
        var rows = TestData.Gaussian(count, seed: 12).Select((r, i) => new IdRow { Id = i, Features = r.Features }).ToArray();
        var output = trained.Transformer.Transform(trained.Context.Data.LoadFromEnumerable(rows, IdRow.Schema()));
        var logDensity = new float[count];
        trained.Transformer.Model.Score(rows.SelectMany(r => r.Features).ToArray(), new float[count], logDensity);

        var scored = trained.Context.Data.CreateEnumerable<IdScore>(output, reuseRowObject: false).ToArray();

        Assert.Equal(Enumerable.Range(0, count), scored.Select(s => s.Id));
        Assert.Equal(logDensity.Select(v => -v), scored.Select(s => s.Score));
        Assert.Equal(count, output.GetRowCount());
    }

    [Fact]
    public void AMillionStreamedRowsLeaveNoNativeTensorsBehind()
    {
        const int Count = 1_000_000;
        var output = trained.Transformer.Transform(TestData.View(trained.Context, Stream(Count)));
        ScoreAll(output, 5 * ScoredCursor.BlockRows); // warm-up: lazily created state exists from here on
        long tensorsBefore = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        long served = ScoreAll(output, Count);

        // The process's resident memory is measured by the benchmark (`-- summary`, memory section): other tests share the process here.
        Assert.Equal(Count, served);
        Assert.Equal(tensorsBefore, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void TransformIsLazyAndScoresOnlyWhenAScoreIsRequested()
    {
        var input = new CountingDataView(TestData.View(trained.Context, TestData.Gaussian(20)));

        var output = trained.Transformer.Transform(input);
        Assert.Equal(0, input.Cursors);

        using (var passThrough = output.GetRowCursor([output.Schema["Features"]]))
        {
            Assert.Equal(1, input.Cursors);
        }
        using var scores = output.GetRowCursor([output.Schema["Score"]]);
        Assert.Equal(3, input.Cursors); // the served rows and the features read ahead
        Assert.False(scores.IsColumnActive(output.Schema["Features"]));
        Assert.Throws<InvalidOperationException>(() => scores.GetGetter<VBuffer<float>>(output.Schema["Features"]));
    }

    [Fact]
    public void AskingForTheWrongValueTypeNamesTheColumnAndItsType()
    {
        var output = trained.Transformer.Transform(TestData.View(trained.Context, TestData.Gaussian(3)));
        using var cursor = output.GetRowCursor(output.Schema);

        var error = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<double>(output.Schema["Score"]));

        Assert.Equal("Column 'Score' holds Single, not Double.", error.Message);
    }

    [Fact]
    public void ConcurrentCursorsGiveTheSameScores()
    {
        var output = trained.Transformer.Transform(TestData.View(trained.Context, TestData.Gaussian(3000, seed: 5)));
        var sequential = TestData.Column(output, "Score");

        var parallel = Concurrently.Run(8, _ => TestData.Column(output, "Score"));

        Assert.All(parallel, scores => Assert.Equal(sequential, scores));
    }

    private sealed class IdRow
    {
        public int Id { get; set; }

        public float[] Features { get; set; } = [];

        public static SchemaDefinition Schema()
        {
            var schema = SchemaDefinition.Create(typeof(IdRow));
            schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, TestData.Dimension);
            return schema;
        }
    }

    private sealed class IdScore
    {
        public int Id { get; set; }

        public float Score { get; set; }
    }

    private static IEnumerable<TestData.FeatureRow> Stream(int count)
    {
        var random = new Random(5);
        for (int i = 0; i < count; i++)
        {
            yield return new TestData.FeatureRow { Features = Enumerable.Range(0, TestData.Dimension).Select(_ => (float)random.NextDouble()).ToArray() };
        }
    }

    private static long ScoreAll(Microsoft.ML.IDataView output, long limit)
    {
        using var cursor = output.GetRowCursor([output.Schema["Score"]]);
        var score = cursor.GetGetter<float>(output.Schema["Score"]);
        float value = 0;
        long served = 0;
        while (served < limit && cursor.MoveNext())
        {
            score(ref value);
            Assert.True(float.IsFinite(value));
            served++;
        }
        return served;
    }
}
