using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Tests.Support;

/// <summary>
/// wbc from its CSV through TextLoader with a Single label. The loader is made from <see cref="TextLoader.Options"/>
/// with a header: that form gives the feature vector the header's slot names (the overload taking columns, a
/// separator and hasHeader does not).
/// </summary>
internal static class WbcData
{
    /// <summary>30 features, then the Boolean anomaly flag converted to the Single label Evaluate reads.</summary>
    public static IDataView Load(MLContext mlContext)
    {
        var raw = mlContext.Data.LoadFromTextFile(TestDataFiles.PathOf("wbc.csv"), new TextLoader.Options
        {
            Columns = [new TextLoader.Column("Features", DataKind.Single, 0, 29), new TextLoader.Column("IsAnomaly", DataKind.Boolean, 30)],
            Separators = [','],
            HasHeader = true,
        });
        return mlContext.Transforms.Conversion.ConvertType("Label", "IsAnomaly", DataKind.Single).Fit(raw).Transform(raw);
    }

    /// <summary>The CSV header's 30 feature names.</summary>
    public static string[] FeatureNames() => File.ReadLines(TestDataFiles.PathOf("wbc.csv")).First().Split(',')[..30];
}
