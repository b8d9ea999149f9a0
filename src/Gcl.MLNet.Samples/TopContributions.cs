using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Samples;

/// <summary>
/// The most anomalous rows of a data set with the features that contribute most to their Score, from
/// <see cref="EnergyModelTransformer.Explain"/> (integrated gradients from the training mean, in nats).
/// </summary>
internal static class TopContributions
{
    /// <summary>Lines describing the <paramref name="rows"/> highest-scoring rows of <paramref name="data"/>, <paramref name="features"/> features each.</summary>
    public static IReadOnlyList<string> Describe(EnergyModelTransformer model, IDataView data, int rows, int features)
    {
        var explained = model.Explain(data);
        var scores = explained.GetColumn<float>("Score").ToArray();
        var contributions = explained.GetColumn<float[]>("FeatureContributions").ToArray();
        var names = model.FeatureNames ?? Enumerable.Range(0, model.Model.FeatureCount).Select(j => $"feature {j}").ToArray();
        var lines = new List<string>();
        foreach (int row in Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).Take(rows))
        {
            var top = contributions[row].Select((c, j) => (Contribution: c, Name: names[j])).OrderByDescending(t => t.Contribution).Take(features);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"row {row}: Score {scores[row]:F1} nats, of which ") +
                string.Join(", ", top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Contribution:+0.0;-0.0}"))));
        }
        return lines;
    }
}
