using System.Globalization;
using Prunet.Data;

namespace Prunet.Cli.Commands;

/// <summary>Text and provenance records that several commands share.</summary>
internal static class CommandText
{
    public static string DescribeData(DataSplit split, DataOptions options)
    {
        Dataset train = split.Train;
        string what = train.Task == ModelTask.Classification
            ? $"{train.ClassNames!.Count} classes"
            : $"regression of {train.TargetName}";
        string how = options.TestData != null
            ? $"test file {options.TestData}"
            : string.Format(CultureInfo.InvariantCulture, "test fraction {0}, split seed {1}", options.TestFraction, options.SplitSeed);
        return $"data: {train.Name}, {train.Features} features, {what}; {train.Rows} training rows, {split.Test.Rows} test rows ({how})";
    }

    /// <summary>How the data was split: recorded so that later commands use the same test rows by default.</summary>
    public static Dictionary<string, object?> DataRecord(DataSplit split, DataOptions options) => new()
    {
        ["source"] = options.Data,
        ["testFile"] = options.TestData,
        ["target"] = split.Train.TargetName,
        ["testFraction"] = options.TestData == null ? options.TestFraction : null,
        ["splitSeed"] = options.TestData == null ? options.SplitSeed : null,
        ["trainRows"] = split.Train.Rows,
        ["testRows"] = split.Test.Rows,
    };
}
