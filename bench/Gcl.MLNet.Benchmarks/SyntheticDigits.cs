namespace Gcl.MLNet.Benchmarks;

/// <summary>
/// A digit-image anomaly set made the way the UCI optical digits were: a 32 x 32 bitmap of a seven-segment digit
/// (random box, stroke width and slant) reduced to 8 x 8 counts of set pixels per 4 x 4 block (integers 0 to 16), so
/// border pixels are almost always 0 and many others repeat. 1,600 rows of the digits 1 to 9 are normal, 67 rows of
/// the digit 0 are the anomalies: the shape of the held-back set on which one seed inverted the ranking.
/// </summary>
internal static class SyntheticDigits
{
    // Segments a (top), b (top right), c (bottom right), d (bottom), e (bottom left), f (top left), g (middle).
    private static readonly string[] Segments = ["abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"];

    /// <summary>The rows (64 features) and their labels (1 = anomaly).</summary>
    public static (float[][] Features, float[] Labels) Create(int seed = 23)
    {
        var random = new Random(seed);
        var rows = new List<float[]>();
        var labels = new List<float>();
        for (int i = 0; i < 1600; i++)
        {
            rows.Add(Image(1 + i % 9, random));
            labels.Add(0);
        }
        for (int i = 0; i < 67; i++)
        {
            rows.Add(Image(0, random));
            labels.Add(1);
        }
        return (rows.ToArray(), labels.ToArray());
    }

    private static float[] Image(int digit, Random random)
    {
        var bitmap = new bool[32, 32];
        double left = 6 + 4 * random.NextDouble(), right = 22 + 4 * random.NextDouble();
        double top = 3 + 4 * random.NextDouble(), bottom = 25 + 4 * random.NextDouble(), middle = (top + bottom) / 2;
        double width = 2 + 2 * random.NextDouble(), slant = 0.4 * (random.NextDouble() - 0.5);
        void Stroke(double x0, double y0, double x1, double y1)
        {
            for (double t = 0; t <= 1; t += 0.01)
            {
                double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
                x += slant * (middle - y);
                for (int dx = -3; dx <= 3; dx++)
                {
                    for (int dy = -3; dy <= 3; dy++)
                    {
                        int px = (int)Math.Round(x + dx), py = (int)Math.Round(y + dy);
                        if (px >= 0 && px < 32 && py >= 0 && py < 32 && dx * dx + dy * dy <= width * width / 4 + 0.5) bitmap[py, px] = true;
                    }
                }
            }
        }
        foreach (char segment in Segments[digit])
        {
            switch (segment)
            {
                case 'a': Stroke(left, top, right, top); break;
                case 'b': Stroke(right, top, right, middle); break;
                case 'c': Stroke(right, middle, right, bottom); break;
                case 'd': Stroke(left, bottom, right, bottom); break;
                case 'e': Stroke(left, middle, left, bottom); break;
                case 'f': Stroke(left, top, left, middle); break;
                case 'g': Stroke(left, middle, right, middle); break;
            }
        }
        var features = new float[64];
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                if (bitmap[y, x]) features[y / 4 * 8 + x / 4]++;
            }
        }
        return features;
    }
}
