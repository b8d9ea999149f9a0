using System.CommandLine;

namespace Gcl.MLNet.Tool;

/// <summary>The options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary>An existing input file.</summary>
    public static Option<FileInfo> ExistingFile(string name, string description) =>
        new Option<FileInfo>(name) { Description = description, Required = true, HelpName = "FILE" }.AcceptExistingOnly();

    /// <summary>The CSV input and its layout options.</summary>
    public sealed class Csv
    {
        public Option<FileInfo> Data { get; } = ExistingFile("--data", "CSV file with a header row (quoted names as pandas and Excel write them are fine)");

        public Option<string> Separator { get; } = new("--separator")
        {
            Description = "field separator: one character, or 'tab'",
            DefaultValueFactory = _ => ",",
            HelpName = "CHAR",
        };

        public Option<string[]> Features { get; } = new("--features")
        {
            Description = "the feature columns, by name (comma-separated or repeated); default: every column not named by --label or --ignore",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "COLS",
        };

        public Option<string[]> Ignore { get; } = new("--ignore")
        {
            Description = "columns that are not features (an id, a text column), by name; score passes them through to its output",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "COLS",
        };

        public Option<InvalidRowHandling> InvalidRows { get; } = new("--invalid-rows")
        {
            Description = "rows with an empty (or NaN) feature cell: reject (fail naming the line and column) or skip (leave the row out)",
            DefaultValueFactory = _ => InvalidRowHandling.Reject,
            HelpName = "reject|skip",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(Data);
            command.Options.Add(Separator);
            command.Options.Add(Features);
            command.Options.Add(Ignore);
            command.Options.Add(InvalidRows);
        }

        /// <summary>The separator character.</summary>
        public char SeparatorOf(ParseResult result)
        {
            string text = result.GetValue(Separator) ?? ",";
            return text switch
            {
                "tab" or "\\t" or "\t" => '\t',
                { Length: 1 } => text[0],
                _ => throw new UsageException($"--separator must be one character or 'tab', not '{text}'."),
            };
        }

        /// <summary>Column names given as repeated or comma-separated values.</summary>
        public static IReadOnlyList<string>? Names(ParseResult result, Option<string[]> option)
        {
            var values = result.GetValue(option);
            if (values is null || values.Length == 0) return null;
            return values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        }
    }
}
