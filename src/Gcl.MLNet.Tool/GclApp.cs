using System.CommandLine;
using System.CommandLine.Invocation;
using Spectre.Console;

namespace Gcl.MLNet.Tool;

/// <summary>
/// The <c>gcl</c> command line: System.CommandLine parses and prints help; every command runs through
/// <see cref="Run"/>, which maps the outcome to the exit code: 0 ok, 2 a wrong command line, 1 a failure, each
/// failure with a one-line message on standard error.
/// </summary>
internal static class GclApp
{
    /// <summary>Exit code of a successful run.</summary>
    public const int Ok = 0;

    /// <summary>Exit code of a run that failed on its data, its model or the machine.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of a wrong command line.</summary>
    public const int Usage = 2;

    /// <summary>Runs <paramref name="args"/>; messages go to <paramref name="output"/> and <paramref name="error"/> (default: the console).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        var io = new ToolConsole(console, output, error);
        var root = new RootCommand("gcl: energy-based density models (Gcl.MLNet) for CSV files: train, score, sample, export, serve, info.")
        {
            TrainCommand.Create(io),
            ScoreCommand.Create(io),
            SampleCommand.Create(io),
            ExportCommand.Create(io),
            ServeCommand.Create(io),
            InfoCommand.Create(io),
        };
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            string command = parsed.CommandResult.Command is RootCommand ? "gcl" : $"gcl {parsed.CommandResult.Command.Name}";
            error.WriteLine($"gcl: {OneLine(parsed.Errors[0].Message)} (see '{command} --help')");
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            error.WriteLine($"gcl: {OneLine(e.Message)} (see 'gcl {parsed.CommandResult.Command.Name} --help')");
            return Usage;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException
            or InvalidOperationException or NotSupportedException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            error.WriteLine($"gcl: error: {OneLine(e.Message)}");
            return Failure;
        }
    }

    /// <summary>The message on one line.</summary>
    public static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>Where a command writes: the Spectre console (progress, tables) and plain standard output and error.</summary>
internal sealed record ToolConsole(IAnsiConsole Console, TextWriter Output, TextWriter Error)
{
    /// <summary>Writes one plain line to standard output.</summary>
    public void Line(string text) => Output.WriteLine(text);
}

/// <summary>A wrong command line that the parser cannot see (a column that the file lacks, two options that exclude each other): exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
