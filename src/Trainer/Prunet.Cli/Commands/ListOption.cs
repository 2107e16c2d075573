using System.CommandLine;
using System.CommandLine.Parsing;

namespace Prunet.Cli.Commands;

/// <summary>
/// Options whose value is a comma-separated list (<c>--hidden 300,100</c>, <c>--sparsities</c>,
/// <c>--labels</c>, <c>--input-scale</c>, <c>--input-shift</c>), made one way so that they all parse
/// alike: the list is one value, and giving the option twice is a parse error. Not a longer list:
/// for <c>--input-scale</c> one value means every feature and several mean one per feature, so
/// joining repeats would change the meaning; and not the first value only, which drops the rest
/// without a word.
/// </summary>
internal static class ListOption
{
    /// <summary>An option named <paramref name="name"/> whose one value <paramref name="parse"/> reads (reporting errors on the result).</summary>
    public static Option<T> Create<T>(string name, string description, string helpName, Func<string, ArgumentResult, T> parse) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Arity = ArgumentArity.ExactlyOne,
        CustomParser = result => parse(result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value, result),
    };
}
