using System.CommandLine;
using Prunet.Data;

namespace Prunet.Cli.Commands;

/// <summary>The options that say which data to use and how to split it; the same for every command.</summary>
internal sealed class DataOptionSet
{
    public const double DefaultTestFraction = 0.2;

    public Option<string> Data { get; } = new("--data")
    {
        Description = "The data: a bundled set (digits, iris, auto-mpg), a CSV file with a header row, or a directory of IDX files (train-*/t10k-*, .gz or raw).",
        Required = true,
        HelpName = "name|file|dir",
    };

    public Option<string?> Test { get; } = new("--test")
    {
        Description = "A separate CSV test file (same columns). Without it, a test split is carved from --data.",
        HelpName = "file",
    };

    public Option<string?> Target { get; } = new("--target")
    {
        Description = "Name of the target column of a CSV file [default: the last column].",
        HelpName = "column",
    };

    public Option<double?> TestFraction { get; } = new("--test-fraction")
    {
        Description = $"Fraction of the rows held out for testing when there is no test file: stratified for classification, random for regression [default: {DefaultTestFraction}, or the value the model was trained with].",
        HelpName = "fraction",
    };

    public Option<int?> SplitSeed { get; } = new("--split-seed")
    {
        Description = "Seed of the test split. It depends only on the data and this seed, never on --seed, so train, prune and eval agree on the test rows [default: 0, or the value the model was trained with].",
        HelpName = "n",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Data);
        command.Options.Add(Test);
        command.Options.Add(Target);
        command.Options.Add(TestFraction);
        command.Options.Add(SplitSeed);
    }

    /// <summary>
    /// The data options; split settings not given on the command line come from the model's
    /// provenance when it recorded them, so that a model is evaluated on the rows it was tested on;
    /// a classifier's labels (or 0..K-1 for one without labels) fix which class each output is.
    /// </summary>
    public DataOptions Read(ParseResult result, ModelTask? task, PrunedModel? model = null)
    {
        double testFraction = result.GetValue(TestFraction) ?? ModelProvenance.Number(model, "data", "testFraction") ?? DefaultTestFraction;
        int splitSeed = result.GetValue(SplitSeed) ?? (int?)ModelProvenance.Number(model, "data", "splitSeed") ?? 0;
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentException($"--test-fraction must be between 0 and 1 (exclusive), got {testFraction}");
        }

        var options = new DataOptions(result.GetValue(Data)!, result.GetValue(Test), result.GetValue(Target), task, testFraction, splitSeed);

        // A model's outputs stand for its classes: the data's labels are matched to them by name.
        return model == null ? options : options.ForModel(model);
    }
}
