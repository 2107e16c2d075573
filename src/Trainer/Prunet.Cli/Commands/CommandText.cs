using System.Globalization;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

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

    /// <summary>
    /// The provenance of the model <paramref name="plan"/> pruned from <paramref name="dense"/>: the
    /// dense model's, with this run's data split and test metrics, and one more record in
    /// <c>pruning</c>, since runs compose (a model can be pruned again). <c>prune</c> and each run of
    /// <c>sweep</c> (marked <c>sweep</c>) write it alike, so a model says the same whichever wrote it.
    /// </summary>
    /// <param name="afterPruning">The test metrics right after one-shot pruning; null when pruning happened during fine-tuning.</param>
    public static Dictionary<string, object?> PruningProvenance(
        PrunedModel dense,
        PruningPlan plan,
        PruningOutcome outcome,
        TrainingOptions fineTuning,
        (Metrics Before, Metrics? AfterPruning, Metrics After) metrics,
        DataSplit split,
        DataOptions dataOptions,
        bool sweep = false)
    {
        var provenance = new Dictionary<string, object?>(dense.Provenance)
        {
            ["producer"] = ModelTrainer.Producer,
            ["dataset"] = split.Train.Name,
            ["data"] = DataRecord(split, dataOptions),
            ["metrics"] = Reports.ToProvenance(metrics.After),
        };
        var steps = dense.Provenance.TryGetValue("pruning", out object? earlier) && earlier is IReadOnlyList<object?> list
            ? new List<object?>(list)
            : new List<object?>();
        var step = new Dictionary<string, object?>
        {
            ["method"] = plan.MethodName,
            ["settings"] = plan.Settings(fineTuning, outcome.Gradual),
            ["before"] = Reports.ToProvenance(metrics.Before),
            ["pruned"] = metrics.AfterPruning == null ? null : Reports.ToProvenance(metrics.AfterPruning),
            ["after"] = Reports.ToProvenance(metrics.After),
            ["pruningRate"] = outcome.Removed.Rate,
            ["layerPruningRates"] = outcome.Removed.Layers.Select(l => (object?)l.Rate).ToList(),
        };
        if (outcome.Removed.Neurons is { } neurons)
        {
            step["neurons"] = neurons.Select(n => (object?)new Dictionary<string, object?> { ["before"] = n.Before, ["after"] = n.After }).ToList();
        }

        if (sweep)
        {
            step["sweep"] = true;
        }

        steps.Add(step);
        provenance["pruning"] = steps;
        return provenance;
    }
}
