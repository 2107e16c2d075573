using System.CommandLine;
using System.Globalization;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Cli.Commands;

/// <summary><c>prunet prune</c>: prunes a model, fine-tunes it with the pruned weights held at zero, and reports the cost.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model file to prune.", Required = true, HelpName = "file" };
        var data = new DataOptionSet();
        var pruningOptions = new PruningOptionSet(PruningOptionUse.Prune);
        var training = new TrainingOptionSet("--finetune-epochs", 3, "Epochs of fine-tuning after (or, with a gradual or iterative schedule, while) pruning; pruned weights stay exactly zero throughout (0: no fine-tuning).");
        var output = new Option<string>("--output", "-o") { Description = "Where to write the pruned model (JSON, written atomically).", Required = true, HelpName = "file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with metrics before and after and the pruning rates on standard output." };

        var command = new Command("prune", "Prune a model's weights or neurons, fine-tune it with the pruned weights held at zero, and report what pruning cost on the test split.");
        command.Options.Add(model);
        data.AddTo(command);
        pruningOptions.AddTo(command);
        training.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(json);
        command.Validators.Add(result => pruningOptions.Validate(result));
        command.SetAction(result =>
        {
            TextWriter stdout = result.InvocationConfiguration.Output;
            bool asJson = result.GetValue(json);
            TextWriter log = asJson ? result.InvocationConfiguration.Error : stdout;
            string modelPath = result.GetValue(model)!;
            PrunedModel dense = ModelFiles.Load(modelPath);
            PruningPlan plan = pruningOptions.Read(result);
            TrainingOptions fineTuning = training.Read(result, Array.Empty<int>(), Activation.Relu, dense);
            DataOptions dataOptions = data.Read(result, dense.Task, dense);
            string path = result.GetValue(output)!;

            DataSplit split = DataSource.Load(dataOptions);
            log.WriteLine(CommandText.DescribeData(split, dataOptions));
            Metrics before = Evaluator.Evaluate(dense, split.Test);
            if (fineTuning.Epochs > 0)
            {
                log.WriteLine(plan.Schedule == ScheduleKind.OneShot
                    ? $"fine-tuning {fineTuning.Epochs} epochs with the pruned weights held at zero"
                    : $"fine-tuning {fineTuning.Epochs} epochs, pruning on a {plan.ScheduleName} schedule");
            }

            PruningOutcome outcome = plan.Run(dense, split.Train, fineTuning, new EpochPrinter(log));
            Metrics? afterPruning = outcome.AtOnce == null ? null : Evaluator.Evaluate(outcome.AtOnce, split.Test);
            Metrics after = Evaluator.Evaluate(outcome.Tuned, split.Test);
            PrunedModel tuned = outcome.Tuned.WithProvenance(CommandText.PruningProvenance(dense, plan, outcome, fineTuning, (before, afterPruning, after), split, dataOptions));
            tuned.Save(path);

            WriteReport(log, dense, outcome, before, afterPruning, after, fineTuning.Epochs);
            log.WriteLine($"wrote {path}: {Reports.Shape(tuned)}, {tuned.Statistics.NonzeroWeights:N0} of {tuned.Statistics.Weights:N0} weights nonzero");
            if (asJson)
            {
                Reports.WriteJson(stdout, writer =>
                {
                    writer.WriteString("model", path);
                    writer.WriteStartObject("before");
                    Reports.WriteMetrics(writer, before);
                    writer.WriteEndObject();
                    if (afterPruning != null)
                    {
                        writer.WriteStartObject("pruned");
                        Reports.WriteMetrics(writer, afterPruning);
                        writer.WriteEndObject();
                    }

                    writer.WriteStartObject("after");
                    Reports.WriteMetrics(writer, after);
                    writer.WriteEndObject();
                    writer.WriteNumber("pruningRate", outcome.Removed.Rate);
                    writer.WriteStartArray("layerPruningRates");
                    foreach (LayerPruning layer in outcome.Removed.Layers)
                    {
                        writer.WriteNumberValue(layer.Rate);
                    }

                    writer.WriteEndArray();
                    if (outcome.Removed.Neurons is { } neurons)
                    {
                        writer.WriteStartArray("neurons");
                        foreach (LayerNeurons layer in neurons)
                        {
                            writer.WriteStartObject();
                            writer.WriteNumber("before", layer.Before);
                            writer.WriteNumber("after", layer.After);
                            writer.WriteEndObject();
                        }

                        writer.WriteEndArray();
                    }

                    Reports.WriteStatistics(writer, tuned);
                });
            }

            return 0;
        });
        return command;
    }

    private static void WriteReport(TextWriter log, PrunedModel dense, PruningOutcome outcome, Metrics before, Metrics? afterPruning, Metrics after, int epochs)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        PruningResult pruned = outcome.Removed;
        IReadOnlyList<LayerNeurons>? neurons = pruned.Neurons;
        var header = new List<string> { "layer", "shape" };
        if (neurons != null)
        {
            header.AddRange(new[] { "neurons", "new shape" });
        }

        header.AddRange(new[] { "weights", "zero before", "zero after", "pruning rate" });
        var rows = new List<string[]> { header.ToArray() };
        foreach (LayerPruning layer in pruned.Layers)
        {
            DenseLayer shape = dense.Layers[layer.Layer];
            var row = new List<string> { layer.Layer.ToString(invariant), shape.InputSize + "→" + shape.OutputSize };
            if (neurons != null)
            {
                DenseLayer now = pruned.Model.Layers[layer.Layer];
                row.Add(neurons[layer.Layer].Before + "→" + neurons[layer.Layer].After);
                row.Add(now.InputSize + "→" + now.OutputSize);
            }

            row.AddRange(new[] { layer.Weights.ToString("N0", invariant), layer.ZerosBefore.ToString("N0", invariant), layer.ZerosAfter.ToString("N0", invariant), Reports.Percent(layer.Rate) });
            rows.Add(row.ToArray());
        }

        var total = new List<string> { "all", Reports.Shape(dense) };
        if (neurons != null)
        {
            total.Add(neurons.Take(neurons.Count - 1).Sum(n => n.Before) + "→" + neurons.Take(neurons.Count - 1).Sum(n => n.After));
            total.Add(Reports.Shape(pruned.Model));
        }

        total.AddRange(new[] { pruned.Weights.ToString("N0", invariant), pruned.Layers.Sum(l => (long)l.ZerosBefore).ToString("N0", invariant), pruned.ZerosAfter.ToString("N0", invariant), Reports.Percent(pruned.Rate) });
        rows.Add(total.ToArray());
        Reports.WriteTable(log, rows);
        if (neurons != null)
        {
            log.WriteLine("neurons: hidden neurons before→after; zero after and the pruning rate count removed rows and columns as zeros of the original shape");
        }

        log.WriteLine($"before pruning:  {Reports.Describe(before)}");
        if (afterPruning != null)
        {
            log.WriteLine($"after pruning:   {Reports.Describe(afterPruning)} ({Reports.Change(before, afterPruning)})");
        }

        if (epochs > 0)
        {
            string how = outcome.Gradual == null ? "fine-tuning" : outcome.Gradual.Schedule is IterativeSchedule ? "iterative pruning and retraining" : "gradual pruning and fine-tuning";
            log.WriteLine($"after {epochs} epochs of {how}: {Reports.Describe(after)} ({Reports.Change(before, after)})");
        }
    }
}
