using Gcl.MLNet.DataViews;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static Microsoft.ML.SchemaShape.Column;

namespace Gcl.MLNet.Tests.DataViews;

public sealed class OutputColumnsTests
{
    [Fact]
    public void SchemasKeepTheInputColumnsAndAppendTheScoresInOrder()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 3));
        builder.AddColumn("Score", TextDataViewType.Instance);

        var output = OutputColumns.Append(builder.ToSchema(), explain: null);
        var explained = OutputColumns.Append(builder.ToSchema(), explain: (3, null));

        Assert.Equal(["Features", "Score", "Energy", "LogDensity", "Score", "PredictedLabel", "Probability"], output.Select(c => c.Name));
        Assert.Equal(4, output["Score"].Index); // the added Score hides the input's
        Assert.Equal(NumberDataViewType.Single, output["Score"].Type);
        Assert.Equal(BooleanDataViewType.Instance, output["PredictedLabel"].Type);
        Assert.Equal(NumberDataViewType.Single, output["Probability"].Type);
        Assert.Equal(output.Select(c => c.Name).Append("FeatureContributions"), explained.Select(c => c.Name));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), explained["FeatureContributions"].Type);
        Assert.Null(explained["FeatureContributions"].Annotations.Schema.GetColumnOrNull("SlotNames"));
    }

    [Fact]
    public void ShapesReplaceInputColumnsOfTheSameName()
    {
        var input = new SchemaShape([
            SchemaShapeColumns.Create("Features", VectorKind.Vector, NumberDataViewType.Single, false),
            SchemaShapeColumns.Create("Score", VectorKind.Scalar, TextDataViewType.Instance, false),
        ]);

        var output = OutputColumns.Append(input);

        Assert.Equal(["Features", "Energy", "LogDensity", "Score", "PredictedLabel", "Probability"], output.Select(c => c.Name));
        Assert.Equal(NumberDataViewType.Single, output.Single(c => c.Name == "Score").ItemType);
        Assert.All(output.Skip(1), c => Assert.Equal(VectorKind.Scalar, c.Kind));
    }
}
