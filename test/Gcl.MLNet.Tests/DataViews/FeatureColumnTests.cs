using Gcl.MLNet.DataViews;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;
using static Microsoft.ML.SchemaShape.Column;

namespace Gcl.MLNet.Tests.DataViews;

public sealed class FeatureColumnTests
{
    private const string Need = "the energy model needs a known-size vector of Single (float) features.";
    private const string Convert = " Convert it with mlContext.Transforms.Conversion.ConvertType(\"Features\", outputKind: DataKind.Single).";

    public static TheoryData<string, string> WrongColumns => new()
    {
        { "scalar", $"Column 'Features' is a scalar Single; {Need} Combine scalar columns with mlContext.Transforms.Concatenate(\"Features\", ...)." },
        { "unknown-size", $"Column 'Features' is a vector of Single of unknown size; {Need} Give the vector a known size, for example with [VectorType(n)] on the input class." },
        { "double", $"Column 'Features' is a known-size vector of Double; {Need}{Convert}" },
        { "missing", $"Column 'Features' was not found in the input; {Need}" },
    };

    [Theory]
    [MemberData(nameof(WrongColumns))]
    public void ShapesAndSchemasGetTheSameExactMessage(string kind, string message)
    {
        var shapeError = Assert.Throws<ArgumentOutOfRangeException>(() => FeatureColumn.Check(Shape(kind), "Features", "inputSchema"));
        var schemaError = Assert.Throws<ArgumentOutOfRangeException>(() => FeatureColumn.Find(Schema(kind), "Features", "input", expectedSize: null));

        Assert.Equal(message + " (Parameter 'inputSchema')", shapeError.Message);
        Assert.Equal(message + " (Parameter 'input')", schemaError.Message);
    }

    [Fact]
    public void AKnownSizeVectorOfSinglePasses()
    {
        FeatureColumn.Check(Shape("good"), "Features", "inputSchema");
        var column = FeatureColumn.Find(Schema("good"), "Features", "input", expectedSize: 4);

        Assert.Equal("Features", column.Name);
    }

    [Fact]
    public void ScoringAcceptsAnUnknownSizeButNotAnotherKnownSize()
    {
        var variable = FeatureColumn.Find(Schema("unknown-size"), "Features", "input", expectedSize: 4);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FeatureColumn.Find(Schema("good"), "Features", "input", expectedSize: 5));

        Assert.Equal(0, ((VectorDataViewType)variable.Type).Size);
        Assert.Equal("Column 'Features' is a vector of 4 Single values; the model was trained on 5 features. (Parameter 'input')", error.Message);
    }

    [Fact]
    public void AKeyColumnIsRejectedWithItsType()
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new KeyDataViewType(typeof(uint), 10));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FeatureColumn.Find(builder.ToSchema(), "Features", "input", null));

        Assert.Equal($"Column 'Features' is a key column (Key<UInt32, 0-9>); {Need}{Convert} (Parameter 'input')", error.Message);
    }

    [Fact]
    public void SlotNamesAreReadWhenThereIsOnePerFeature()
    {
        var mlContext = new MLContext();
        var data = mlContext.Data.LoadFromEnumerable(new[] { new Scalars { A = 1, B = 2 } });
        var features = mlContext.Transforms.Concatenate("Features", "A", "B").Fit(data).Transform(data).Schema["Features"];

        Assert.Equal(["A", "B"], FeatureColumn.SlotNames(features, 2));
        Assert.Null(FeatureColumn.SlotNames(features, 3));
        Assert.Null(FeatureColumn.SlotNames(Schema("good")["Features"], 4));
    }

    private static SchemaShape Shape(string kind) => new(kind switch
    {
        "scalar" => [SchemaShapeColumns.Create("Features", VectorKind.Scalar, NumberDataViewType.Single, false)],
        "unknown-size" => [SchemaShapeColumns.Create("Features", VectorKind.VariableVector, NumberDataViewType.Single, false)],
        "double" => [SchemaShapeColumns.Create("Features", VectorKind.Vector, NumberDataViewType.Double, false)],
        "missing" => [SchemaShapeColumns.Create("Other", VectorKind.Vector, NumberDataViewType.Single, false)],
        _ => [SchemaShapeColumns.Create("Features", VectorKind.Vector, NumberDataViewType.Single, false)],
    });

    private static DataViewSchema Schema(string kind)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(kind == "missing" ? "Other" : "Features", kind switch
        {
            "scalar" => NumberDataViewType.Single,
            "unknown-size" => new VectorDataViewType(NumberDataViewType.Single),
            "double" => new VectorDataViewType(NumberDataViewType.Double, 4),
            _ => new VectorDataViewType(NumberDataViewType.Single, 4),
        });
        return builder.ToSchema();
    }

    private sealed class Scalars
    {
        public float A { get; set; }

        public float B { get; set; }
    }
}
