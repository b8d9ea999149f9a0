using Gcl.MLNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace Gcl.MLNet.Tests.Training;

public sealed class ParetoTailDiagnosticTests(ITestOutputHelper output)
{
    // R: set.seed(123); x <- rexp(100). The same draws as the Loo.jl test data (test/data/rloo_gpdfit_x.csv).
    private static readonly double[] RExp100Seed123 =
    [
        0.8434572610584022, 0.5766102708876133, 1.3290548678067449, 0.03157735910831193, 0.05621097609400749,
        0.3165012163777098, 0.3142272922152972, 0.14526680391281843, 2.726236464329696, 0.029153447082572552,
        1.0048300576907518, 0.4802147276597736, 0.28101362753659487, 0.37711783106713365, 0.18828404089435935,
        0.8497861297381045, 1.5632035396152977, 0.4787604163365551, 0.5909348353743553, 4.041011711372496,
        0.8431497311337739, 0.9658712110993387, 1.4852757940180714, 1.348044485743058, 1.1685289842587832,
        1.6058523430580143, 1.4967428687119726, 1.5706525468952257, 0.03176774396147595, 0.5978496912866831,
        2.167839745478155, 0.5066157286055386, 0.2595578173300723, 2.5968921164653067, 1.229025731752527,
        0.7906817588535072, 0.6292800777591765, 1.254641002947838, 0.5886846422217786, 1.1292900338491243,
        0.4203648027032614, 7.211007576015713, 0.845721965197537, 0.2255420065484941, 1.1003388175320747,
        2.248305692325016, 1.3637342992749932, 0.5763916680589318, 2.725275849797464, 1.3121630426015196,
        0.09059135011964779, 0.3062038500793278, 1.0672130696055415, 0.3135162559337914, 0.974640150512469,
        1.887823315253282, 0.5645886026322842, 2.5769613290807967, 1.0476957479313038, 1.024441341827524,
        1.0278696156431382, 0.28466846068690266, 1.5630518886351827, 0.04208829297160012, 0.09863088980339339,
        0.09856931213289499, 0.28038516130058566, 0.2957869586534798, 0.9724296489310386, 0.9240272240293147,
        1.6424045267221232, 1.619912767698789, 2.536145539828277, 1.5215496233755592, 0.38001420302316546,
        0.23851296678185463, 0.46648742356240624, 0.04227145155891776, 0.3196768993511796, 0.643610920291394,
        0.5725631034001708, 0.21605550254207867, 4.49867339779563, 1.857090553184772, 0.6854586377739906,
        1.4394526261447416, 1.7311539835518224, 1.2447832999330881, 1.463300560042621, 1.5373939785338644,
        0.004599126521497965, 1.1087654679593566, 0.2999703176319599, 1.1920030070048693, 1.1149287037131312,
        0.06737589091062546, 0.4806687207892537, 1.5704543390217416, 0.2599461069330573, 1.8569222874099258,
    ];

    [Fact]
    public void FitMatchesTheLooReferenceValues()
    {
        // stan-dev/loo tests/testthat/test_gpdfit.R (loo 1.x gpdfit: 80 + floor(sqrt(n)) grid points, no prior):
        // k = 0.0274030348712631, sigma = 1.01829821712701.
        double[] x = RExp100Seed123.Order().ToArray();
        var (shape, scale) = ParetoTailDiagnostic.FitGeneralizedPareto(x, minimumGridPoints: 80, weaklyInformativePrior: false);
        Assert.Equal(0.0274030348712631, shape, 1e-10);
        Assert.Equal(1.01829821712701, scale, 1e-10);

        // The weakly informative prior is loo's adjust_k_wip: (n k + 10 * 0.5) / (n + 10).
        var adjusted = ParetoTailDiagnostic.FitGeneralizedPareto(x, minimumGridPoints: 80);
        Assert.Equal((100 * 0.0274030348712631 + 5) / 110, adjusted.Shape, 1e-10);
        Assert.Equal(scale, adjusted.Scale, 1e-14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.8)]
    public void RecoversTheShapeOfGeneralizedParetoWeights(double k)
    {
        var random = new Random(20240601);
        var logWeights = new double[1_000_000];
        for (int i = 0; i < logWeights.Length; i++)
        {
            double e = -Math.Log(1 - random.NextDouble()); // standard exponential
            double x = k == 0 ? e : (Math.Exp(k * e) - 1) / k; // GPD(sigma = 1, k) by inversion
            logWeights[i] = Math.Log(x);
        }
        double estimate = ParetoTailDiagnostic.EstimateShape(logWeights);
        output.WriteLine($"k = {k}: k-hat = {estimate:F4}");
        Assert.Equal(k, estimate, 0.1);
    }

    [Fact]
    public void ShapeDoesNotChangeWhenEveryLogWeightIsShifted()
    {
        var random = new Random(3);
        double[] logWeights = Enumerable.Range(0, 5000).Select(_ => 2 * random.NextDouble() * random.NextDouble()).ToArray();
        double k = ParetoTailDiagnostic.EstimateShape(logWeights);
        Assert.Equal(k, ParetoTailDiagnostic.EstimateShape(logWeights.Select(w => w + 800).ToArray()), 1e-9);
        Assert.Equal(k, ParetoTailDiagnostic.EstimateShape(logWeights.Select(w => w - 800).ToArray()), 1e-9);
    }

    [Fact]
    public void TailLengthFollowsPsis()
    {
        Assert.Equal(20, ParetoTailDiagnostic.TailLength(100));
        Assert.Equal(95, ParetoTailDiagnostic.TailLength(1000));
        Assert.Equal(300, ParetoTailDiagnostic.TailLength(10_000));
    }

    [Fact]
    public void TooFewDrawsGiveInfinityAndAFlatTailGivesMinusOne()
    {
        var random = new Random(5);
        Assert.Equal(double.PositiveInfinity, ParetoTailDiagnostic.EstimateShape(Normal(random, 20)));
        Assert.True(double.IsFinite(ParetoTailDiagnostic.EstimateShape(Normal(random, 21))));

        double[] flat = Enumerable.Repeat(3.0, 1000).ToArray();
        flat[0] = -2; // a smaller weight below the tail leaves the largest ones equal
        Assert.Equal(ParetoTailDiagnostic.FlatTailShape, ParetoTailDiagnostic.EstimateShape(flat));

        // A perfect proposal evaluated in float32: equal weights up to ~1e-6 nats of rounding noise are flat too
        // (this once read as "too few distinct weights" and flagged the flow-only model unreliable).
        double[] rounded = Normal(random, 4000).Select(v => Math.Log(0.9) + 1e-6 * v).ToArray();
        Assert.Equal(ParetoTailDiagnostic.FlatTailShape, ParetoTailDiagnostic.EstimateShape(rounded));

        // Only three distinct weights above the cutoff: too few to fit.
        double[] fewAbove = Enumerable.Repeat(0.0, 1000).Concat([1.0, 2.0, 3.0]).ToArray();
        Assert.Equal(double.PositiveInfinity, ParetoTailDiagnostic.EstimateShape(fewAbove));
    }

    [Fact]
    public void RejectsNaNAndPositiveInfinity()
    {
        Assert.Throws<ArgumentException>(() => ParetoTailDiagnostic.EstimateShape([0, 1, double.NaN]));
        Assert.Throws<ArgumentException>(() => ParetoTailDiagnostic.EstimateShape([0, 1, double.PositiveInfinity]));
        Assert.Throws<ArgumentException>(() => ParetoTailDiagnostic.EstimateShape([double.NegativeInfinity, double.NegativeInfinity]));
    }

    private static double[] Normal(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
}
