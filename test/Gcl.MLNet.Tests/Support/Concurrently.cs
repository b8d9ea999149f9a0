namespace Gcl.MLNet.Tests.Support;

/// <summary>Runs work on dedicated threads that start together, so the calls really overlap.</summary>
internal static class Concurrently
{
    /// <summary>Runs <paramref name="work"/>(i) on <paramref name="threads"/> threads released at once; rethrows the first failure.</summary>
    public static T[] Run<T>(int threads, Func<int, T> work)
    {
        var results = new T[threads];
        var failures = new Exception?[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                results[i] = work(i);
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        if (failures.FirstOrDefault(f => f is not null) is { } failure) throw new AggregateException(failure);
        return results;
    }
}
