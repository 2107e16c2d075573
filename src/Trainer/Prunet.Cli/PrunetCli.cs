using System.CommandLine;
using System.Globalization;
using Prunet.Cli.Commands;

namespace Prunet.Cli;

/// <summary>
/// The prunet command line: builds the commands and runs one. Every failure becomes one line on
/// standard error and exit code 1 (the stack trace only with --verbose).
/// </summary>
public static class PrunetCli
{
    /// <summary>Runs prunet with <paramref name="args"/>, writing to the given streams; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // Numbers print the same everywhere: 0.5, not 0,5.
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var verbose = new Option<bool>("--verbose")
        {
            Description = "On errors, print the full exception with its stack trace.",
            Recursive = true,
        };
        var root = new RootCommand("prunet: train small dense networks, prune them, and export them for the Prunet source generator.")
        {
            verbose,
        };
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(SweepCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.GetResult(root.Options.OfType<System.CommandLine.Help.HelpOption>().First()) == null)
        {
            // One line, not the whole help text: the error, and where to look.
            string command = string.Join(" ", CommandPath(parsed.CommandResult.Command, root));
            error.WriteLine($"prunet: error: {parsed.Errors[0].Message.ReplaceLineEndings(" ").Replace("\t", string.Empty)} (see: {command} --help)");
            return 1;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            error.WriteLine("prunet: error: " + OneLine(e));
            if (parsed.GetValue(verbose))
            {
                error.WriteLine(e.ToString());
            }

            return 1;
        }
    }

    private static IEnumerable<string> CommandPath(Command command, RootCommand root)
    {
        yield return "prunet";
        if (command != root)
        {
            yield return command.Name;
        }
    }

    private static string OneLine(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            e = aggregate.InnerExceptions[0];
        }

        string message = e is ArgumentException { ParamName: string parameter } argument
            ? argument.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal)
            : e.Message;
        message = message.ReplaceLineEndings(" ");
        return e is PrunedModelFormatException or Prunet.Data.DataFormatException or Prunet.Onnx.OnnxFormatException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
            ? message
            : e.GetType().Name + ": " + message;
    }
}
