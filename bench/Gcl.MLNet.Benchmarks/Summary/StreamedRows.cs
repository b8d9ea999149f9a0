using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>
/// A streamed IDataView of one <c>Features</c> vector column whose size is known only at run time: rows cycle
/// through a pool, so nothing is materialized and the source costs little beyond ML.NET's own copy of each row.
/// </summary>
internal static class StreamedRows
{
    /// <summary>One input row (the schema definition gives the vector its size).</summary>
    public sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    /// <summary>The input schema for rows of <paramref name="dimension"/> features.</summary>
    public static SchemaDefinition Schema(int dimension)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        return schema;
    }

    /// <summary><paramref name="count"/> rows cycling through <paramref name="pool"/>, produced as cursors ask.</summary>
    public static IDataView Load(MLContext mlContext, float[][] pool, long count) =>
        mlContext.Data.LoadFromEnumerable(Cycle(pool, count), Schema(pool[0].Length));

    private static IEnumerable<Row> Cycle(float[][] pool, long count)
    {
        var row = new Row();
        for (long i = 0; i < count; i++)
        {
            row.Features = pool[i % pool.Length];
            yield return row;
        }
    }
}
