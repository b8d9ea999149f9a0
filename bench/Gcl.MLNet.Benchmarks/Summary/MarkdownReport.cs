using System.Text;

namespace Gcl.MLNet.Benchmarks.Summary;

/// <summary>The summary's markdown, echoed to standard output as it grows, so a long run shows its progress.</summary>
internal sealed class MarkdownReport
{
    private readonly StringBuilder text = new();

    /// <summary>A second-level heading, and the load average when the section starts (other work on the machine).</summary>
    public void Heading(string title) => Append($"\n## {title}\n\n_Load average (1 / 5 / 15 min) at the start of this section: {MachineDescription.LoadAverage()}._\n\n");

    /// <summary>One line of prose (a blank line follows).</summary>
    public void Line(string line) => Append(line + "\n\n");

    /// <summary>A table: a header row and one row per entry, each cell already formatted.</summary>
    public void Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var table = new StringBuilder();
        table.Append("| ").AppendJoin(" | ", headers).Append(" |\n");
        table.Append('|').Append(string.Concat(Enumerable.Repeat("---|", headers.Count))).Append('\n');
        foreach (var row in rows) table.Append("| ").AppendJoin(" | ", row).Append(" |\n");
        Append(table.Append('\n').ToString());
    }

    /// <inheritdoc />
    public override string ToString() => text.ToString();

    private void Append(string part)
    {
        text.Append(part);
        Console.Write(part);
        Console.Out.Flush();
    }
}
