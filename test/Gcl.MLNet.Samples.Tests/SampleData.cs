using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Samples.Tests;

/// <summary>The Breast Cancer Wisconsin anomaly set the samples ship (30 numeric features, then a 0/1 <c>label</c>).</summary>
internal static class SampleData
{
    /// <summary>Features per row.</summary>
    public const int FeatureCount = 30;

    /// <summary>The path of <c>wbc.csv</c> as the samples copy it to the output folder.</summary>
    public static string Wbc { get; } = Path.Combine(AppContext.BaseDirectory, "Data", "wbc.csv");

    /// <summary>The file's rows as a <c>Features</c> vector column.</summary>
    public static IDataView Load(MLContext mlContext) => mlContext.Data.LoadFromTextFile(Wbc,
        [new TextLoader.Column("Features", DataKind.Single, 0, FeatureCount - 1)], separatorChar: ',', hasHeader: true);
}
