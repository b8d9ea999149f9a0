using System.Diagnostics;
using Gcl.MLNet.Native;

namespace Gcl.MLNet.Tests.Reliability;

/// <summary>
/// Runs crash-prone cases in a child process (<c>dotnet exec Gcl.MLNet.Tests.dll case args</c>), so a native crash
/// fails the test that started it instead of killing the test host. The test assembly's <c>Main</c> is here.
/// </summary>
public static class ChildProcess
{
    /// <summary>Exit code of a case that found a wrong behaviour (a crash gives another code or a signal).</summary>
    public const int Failed = 3;

    /// <summary>The child's entry point: the case name, then its arguments.</summary>
    public static int Main(string[] args)
    {
        TorchRuntime.SetThreads(1);
        try
        {
            return args[0] switch
            {
                DisposeRace.CaseName => DisposeRace.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
                LoaderFuzz.CaseName => LoaderFuzz.Run(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), args[4] == "flips"),
                LoadPeak.CaseName => LoadPeak.Run(args[1]),
                _ => throw new ArgumentException($"Unknown case '{args[0]}'."),
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            return Failed;
        }
    }

    /// <summary>Starts this assembly as a child process with <paramref name="args"/>; returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after " + timeout);
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}
