namespace Gcl.MLNet.Samples;

/// <summary>
/// The parsed <c>--name value</c> options and <c>--switch</c> flags of one sample command. <see cref="Run"/> prints the
/// usage for <c>--help</c>, and for a wrong command line prints the error and the usage and returns exit code 2.
/// </summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> values = new();
    private readonly HashSet<string> switches = new();

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="command"/>; 0 after <c>--help</c>, 2 on a usage error.</summary>
    public static int Run(string[] args, string usage, string[] flags, string[] options, Func<CommandLine, int> command)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(usage);
            return 0;
        }
        try
        {
            return command(Parse(args, flags, options));
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(usage);
            return 2;
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>Whether the flag was given.</summary>
    public bool Has(string flag) => switches.Contains(flag);

    /// <summary>The option's value, or null when it was not given.</summary>
    public string? Value(string option) => values.GetValueOrDefault(option);

    /// <summary>The value of an option that must be given.</summary>
    public string Required(string option) => Value(option) ?? throw new UsageException($"{option} is required.");

    /// <summary>The path of an existing file given by <paramref name="option"/>.</summary>
    public string ExistingFile(string option)
    {
        string path = Required(option);
        return File.Exists(path) ? path : throw new UsageException($"{option}: there is no file '{path}'.");
    }

    /// <summary>An integer option in [<paramref name="minimum"/>, <paramref name="maximum"/>], or <paramref name="fallback"/>.</summary>
    public int Int(string option, int fallback, int minimum, int maximum)
    {
        string? text = Value(option);
        if (text is null) return fallback;
        return int.TryParse(text, out int value) && value >= minimum && value <= maximum
            ? value
            : throw new UsageException($"{option} must be a whole number from {minimum} to {maximum}, not '{text}'.");
    }

    private static CommandLine Parse(string[] args, string[] flags, string[] options)
    {
        var line = new CommandLine();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (flags.Contains(arg))
            {
                line.switches.Add(arg);
            }
            else if (options.Contains(arg))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new UsageException($"{arg} needs a value.");
                line.values[arg] = args[++i];
            }
            else
            {
                throw new UsageException($"unknown argument '{arg}'.");
            }
        }
        return line;
    }
}

/// <summary>A wrong command line: <see cref="CommandLine.Run"/> prints the message with the usage and returns 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
