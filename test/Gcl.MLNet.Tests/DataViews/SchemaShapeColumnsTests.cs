using Gcl.MLNet.DataViews;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace Gcl.MLNet.Tests.DataViews;

public sealed class SchemaShapeColumnsTests
{
    [Fact]
    public void TheInternalConstructorOfSchemaShapeColumnStillExists()
    {
        Assert.True(SchemaShapeColumns.IsAvailable,
            "ML.NET no longer has the internal SchemaShape.Column(string, VectorKind, DataViewType, bool, SchemaShape) constructor; " +
            "EnergyModelEstimator.GetOutputSchema cannot describe its columns. Update SchemaShapeColumns for this ML.NET version.");
    }

    [Fact]
    public void BuiltColumnsCarryTheirNameKindAndType()
    {
        var column = SchemaShapeColumns.Create("Features", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Double, isKey: false);
        var scalar = SchemaShapeColumns.Scalar("PredictedLabel", BooleanDataViewType.Instance);

        Assert.Equal(("Features", SchemaShape.Column.VectorKind.Vector, (DataViewType)NumberDataViewType.Double, false),
            (column.Name, column.Kind, column.ItemType, column.IsKey));
        Assert.Equal(("PredictedLabel", SchemaShape.Column.VectorKind.Scalar, (DataViewType)BooleanDataViewType.Instance),
            (scalar.Name, scalar.Kind, scalar.ItemType));
        Assert.Empty(scalar.Annotations);
    }

    [Fact]
    public void MlNetAcceptsTheBuiltColumnsInItsOwnEstimators()
    {
        // A Concatenate estimator checks its input shape with ML.NET's own code: our columns must pass as real ones.
        var shape = new SchemaShape([SchemaShapeColumns.Scalar("A", NumberDataViewType.Single), SchemaShapeColumns.Scalar("B", NumberDataViewType.Single)]);
        var output = new MLContext().Transforms.Concatenate("Features", "A", "B").GetOutputSchema(shape);

        Assert.Contains(output, c => c.Name == "Features" && c.Kind == SchemaShape.Column.VectorKind.Vector && c.ItemType == NumberDataViewType.Single);
    }
}
