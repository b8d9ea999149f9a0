using Gcl.MLNet.Common;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.DataViews;

/// <summary>
/// Rows drawn from the fitted model (the energy model or its generator, <see cref="SampleSource"/>), produced lazily in blocks: a <c>Features</c> vector in raw units (with the
/// training slot names when known) and its <c>Energy</c> and <c>LogDensity</c>. Block b is drawn with a seed mixed
/// from the view's seed and b, so every cursor sees the same rows.
/// </summary>
internal sealed class SampleDataView : IDataView
{
    /// <summary>Name of the generated feature column.</summary>
    public const string FeaturesColumn = "Features";

    /// <summary>Rows drawn per sampling call.</summary>
    public const int BlockRows = 1024;

    /// <summary>Creates the view; nothing is drawn until a cursor moves.</summary>
    public SampleDataView(EnergyModel model, IReadOnlyList<string>? featureNames, int count, long seed, SampleSource source)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Model = model;
        Source = source;
        Count = count;
        Seed = seed;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FeaturesColumn, new VectorDataViewType(NumberDataViewType.Single, model.FeatureCount), OutputColumns.SlotNames(featureNames));
        builder.AddColumn(OutputColumns.Energy, NumberDataViewType.Single);
        builder.AddColumn(OutputColumns.LogDensity, NumberDataViewType.Single);
        Schema = builder.ToSchema();
    }

    /// <summary>The model sampled.</summary>
    public EnergyModel Model { get; }

    /// <summary>The density the rows come from.</summary>
    public SampleSource Source { get; }

    /// <summary>Rows in the view.</summary>
    public int Count { get; }

    /// <summary>Seed of the draw.</summary>
    public long Seed { get; }

    /// <inheritdoc />
    public bool CanShuffle => false;

    /// <inheritdoc />
    public DataViewSchema Schema { get; }

    /// <inheritdoc />
    public long? GetRowCount() => Count;

    /// <inheritdoc />
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new SampleCursor(this, columnsNeeded);

    /// <inheritdoc />
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    /// <summary>The seed of block <paramref name="block"/>.</summary>
    public long BlockSeed(long block) => unchecked((long)SplitMix.Combine(Seed, block));
}
