using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// The child-process side of <see cref="LoaderFuzzTests"/>: seeded mutants of a saved model (single-bit flips
/// anywhere, truncations, overwrites of a few random bytes). Every mutant must fail with
/// <see cref="InvalidDataException"/> or load and score bit-identically to the original, on the managed single-row
/// path and the batched TorchSharp path. Prints the counts and the slowest load.
/// </summary>
internal static class LoaderFuzz
{
    public const string CaseName = "loader-fuzz";

    public static int Run(string modelPath, int mutants, int seed, bool flipsOnly)
    {
        var original = File.ReadAllBytes(modelPath);
        var mlContext = new MLContext(seed: 1);
        var rows = Rows(mlContext, original);
        var expected = Scores(mlContext, original, rows)!;
        var random = new Random(seed);
        int rejected = 0, identical = 0, flips = 0, other = 0, changed = 0;
        double slowest = 0;
        for (int i = 0; i < mutants; i++)
        {
            var mutant = (byte[])original.Clone();
            int kind = flipsOnly ? 0 : random.Next(4);
            string what;
            if (kind <= 1)
            {
                int bit = random.Next(mutant.Length * 8);
                mutant[bit / 8] ^= (byte)(1 << (bit % 8));
                flips++;
                what = $"flip of bit {bit % 8} of byte {bit / 8}";
            }
            else if (kind == 2)
            {
                int length = random.Next(mutant.Length);
                mutant = mutant[..length];
                what = $"truncation to {length} bytes";
            }
            else
            {
                int at = random.Next(mutant.Length), count = 1 + random.Next(16);
                for (int j = at; j < Math.Min(mutant.Length, at + count); j++) mutant[j] = (byte)random.Next(256);
                what = $"overwrite of {count} bytes at {at}";
            }
            var clock = Stopwatch.StartNew();
            try
            {
                var scores = Scores(mlContext, mutant, rows)!;
                if (scores.SequenceEqual(expected)) identical++;
                else
                {
                    changed++;
                    Console.Error.WriteLine($"Mutant {i} ({what}) loaded with changed scores.");
                }
            }
            catch (InvalidDataException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                other++;
                Console.Error.WriteLine($"Mutant {i} ({what}) threw {e.GetType().Name}: {e.Message}");
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mutants {mutants} (single-bit flips {flips}), rejected {rejected}, identical {identical}, changed {changed}, other exceptions {other}, slowest {slowest:F0} ms"));
        return changed == 0 && other == 0 ? 0 : ChildProcess.Failed;
    }

    // 40 rows around the data: each scored alone (the managed path) and all at once (TorchSharp).
    private static float[] Rows(MLContext mlContext, byte[] model)
    {
        using var transformer = EnergyModelTransformer.Load(mlContext, new MemoryStream(model));
        var (rows, _, _) = transformer.Model.Sample(40, 3);
        return rows;
    }

    private static float[]? Scores(MLContext mlContext, byte[] model, float[] rows)
    {
        using var transformer = EnergyModelTransformer.Load(mlContext, new MemoryStream(model));
        var m = transformer.Model;
        int d = m.FeatureCount, count = rows.Length / d;
        var energy = new float[2 * count];
        var logDensity = new float[2 * count];
        for (int r = 0; r < count; r++) m.Score(rows.AsSpan(r * d, d), energy.AsSpan(r, 1), logDensity.AsSpan(r, 1));
        m.Score(rows, energy.AsSpan(count), logDensity.AsSpan(count));
        var labels = logDensity.Select(l => -l > m.ScoreThreshold ? 1f : 0f);
        return [.. energy, .. logDensity, .. labels];
    }
}
