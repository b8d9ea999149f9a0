using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// The child-process side of <see cref="DisposeDuringScoringTests"/>: loads a saved model again and again, scores
/// it from four threads (single rows on the managed path, 64-row blocks on TorchSharp, samples, Transform cursors and
/// a PredictionEngine) and disposes it mid-flight. Any exception other than <see cref="ObjectDisposedException"/>,
/// or native memory that is not freed once every thread has left, fails the case.
/// </summary>
internal static class DisposeRace
{
    public const string CaseName = "dispose-race";

    public static int Run(string modelPath, int races)
    {
        var mlContext = new MLContext(seed: 1);
        int calls = 0;
        for (int race = 0; race < races; race++)
        {
            var transformer = EnergyModelTransformer.Load(mlContext, modelPath);
            var model = transformer.Model;
            int d = model.FeatureCount;
            var data = Support.TestData.View(mlContext, Support.TestData.Gaussian(200, seed: race));
            var engine = mlContext.Model.CreatePredictionEngine<Support.TestData.FeatureRow, ScoredRow>(transformer);
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            using var started = new CountdownEvent(4);
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                var rows = new float[64 * d];
                for (int i = 0; i < rows.Length; i++) rows[i] = (float)((i * 7919 + t) % 13) - 6;
                var energy = new float[64];
                var logDensity = new float[64];
                bool signalled = false;
                try
                {
                    for (int i = 0; ; i++)
                    {
                        int n = (i + t) % 3 == 0 ? 64 : 1;
                        switch (t)
                        {
                            case 3 when i % 4 == 1: _ = model.Sample(32, i); break;
                            case 2 when i % 4 == 1: _ = transformer.Transform(data).GetColumn<float>("Score").Count(); break;
                            case 1 when i % 2 == 1: _ = engine.Predict(new Support.TestData.FeatureRow { Features = rows[..d] }); break;
                            default: model.Score(rows.AsSpan(0, n * d), energy.AsSpan(0, n), logDensity.AsSpan(0, n)); break;
                        }
                        Interlocked.Increment(ref calls);
                        if (!signalled) { signalled = true; started.Signal(); }
                    }
                }
                catch (ObjectDisposedException)
                {
                    // The expected end of every thread.
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                }
                finally
                {
                    if (!signalled) started.Signal();
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            started.Wait();
            Thread.Sleep(race % 5);
            transformer.Dispose();
            threads.ForEach(t => t.Join());
            engine.Dispose();
            if (!failures.IsEmpty)
            {
                Console.Error.WriteLine($"Race {race}: {failures.Count} threads failed with another exception than ObjectDisposedException:");
                foreach (var failure in failures) Console.Error.WriteLine(failure);
                return ChildProcess.Failed;
            }
            if (!model.IsReleased)
            {
                Console.Error.WriteLine($"Race {race}: the native modules were not freed after the last call left.");
                return ChildProcess.Failed;
            }
        }
        Console.WriteLine($"races {races}, calls {calls}, crashes 0");
        return 0;
    }

    /// <summary>The scored columns a PredictionEngine reads.</summary>
    public sealed class ScoredRow
    {
        /// <summary>The Score column.</summary>
        public float Score { get; set; }
    }
}
