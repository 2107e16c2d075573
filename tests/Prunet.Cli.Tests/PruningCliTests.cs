using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Prunet.Data;
using Prunet.Pruning;
using Prunet.Training;

namespace Prunet.Tests;

/// <summary>Neuron, block and gradual pruning, pruning during training, and the sweep, from the command line.</summary>
public class PruningCliTests : IClassFixture<PruningCliTests.DigitsModel>
{
    private readonly DigitsModel _digits;

    public PruningCliTests(DigitsModel digits) => _digits = digits;

    [Fact]
    public void HelpDocumentsThePruningOptions()
    {
        Assert.Contains("sweep", Prunet.Run("--help").Output);
        string prune = Prunet.Run("prune", "--help").Output;
        foreach (string option in new[] { "--method", "--criterion", "--sparsity", "--fraction", "--threshold", "--scope", "--granularity", "--block", "--schedule", "--begin-step", "--end-step", "--frequency", "--lr-schedule", "apoz", "mean-activation" })
        {
            Assert.Contains(option, prune);
        }

        Assert.Contains("--prune-to", Prunet.Run("train", "--help").Output);
        string sweep = Prunet.Run("sweep", "--help").Output;
        foreach (string option in new[] { "--model", "--data", "--sparsities", "--method", "--granularity", "--schedule", "--finetune-epochs", "--output" })
        {
            Assert.Contains(option, sweep);
        }
    }

    [Theory]
    [InlineData("apoz")]
    [InlineData("mean-activation")]
    [InlineData("l1")]
    [InlineData("l2")]
    public void NeuronPruningWritesASmallerModel(string criterion)
    {
        using var temp = new TempDirectory();
        string output = temp.File("neurons.json");
        CliResult result = Prunet.Run("prune", "--model", _digits.Path, "--data", "digits", "--method", "neuron", "--criterion", criterion, "--fraction", "0.75", "--finetune-epochs", "2", "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement report = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(new[] { (32, 8), (16, 4), (10, 10) }, report.GetProperty("neurons").EnumerateArray().Select(n => (n.GetProperty("before").GetInt32(), n.GetProperty("after").GetInt32())));
        Assert.True(report.TryGetProperty("pruned", out _));

        PrunedModel model = PrunedModel.Load(output);
        Assert.Equal(new[] { (64, 8), (8, 4), (4, 10) }, model.Layers.Select(l => (l.InputSize, l.OutputSize)));
        Assert.Equal(1 - ((double)model.Statistics.NonzeroWeights / ((64 * 32) + (32 * 16) + (16 * 10))), report.GetProperty("pruningRate").GetDouble(), 12);
        JsonElement step = JsonDocument.Parse(model.ToJson()).RootElement.GetProperty("provenance").GetProperty("pruning")[0];
        Assert.Equal("neuron", step.GetProperty("method").GetString());
        Assert.Equal(criterion, step.GetProperty("settings").GetProperty("criterion").GetString());

        CliResult eval = Prunet.Run("eval", "--model", output, "--data", "digits", "--json");
        Assert.Equal(report.GetProperty("after").GetProperty("accuracy").GetDouble(), JsonDocument.Parse(eval.Output).RootElement.GetProperty("accuracy").GetDouble());
    }

    [Theory]
    [InlineData("apoz")]
    [InlineData("mean-activation")]
    public void NeuronCriteriaCalibrateOnTheRowsFineTuningFitsNotOnItsValidationRows(string criterion)
    {
        // Validation rows must stay unseen by every choice, the choice of neurons included.
        using var temp = new TempDirectory();
        string output = temp.File("neurons.json");
        CliResult result = Prunet.Run("prune", "--model", _digits.Path, "--data", "digits", "--method", "neuron", "--criterion", criterion, "--fraction", "0.5", "--finetune-epochs", "0", "-o", output);
        Assert.True(result.ExitCode == 0, result.Error);

        PrunedModel dense = PrunedModel.Load(_digits.Path);
        Dataset train = DataSource.Load(new DataOptions("digits", Task: ModelTask.Classification).ForModel(dense)).Train;
        var options = new TrainingOptions(Array.Empty<int>(), Activation.Relu, Epochs: 1, Seed: 0, ValidationFraction: 0.1); // the model's own
        Dataset fit = ModelTrainer.FitSet(train, options);
        Assert.Equal(train.Rows - ModelTrainer.ValidationSet(train, options).Rows, fit.Rows);

        var neurons = new NeuronPruningOptions(criterion == "apoz" ? NeuronCriterion.Apoz : NeuronCriterion.MeanActivation, Fraction: 0.5);
        PrunedModel expected = NeuronPruner.Prune(dense, neurons, fit).Model;
        PrunedModel onAllRows = NeuronPruner.Prune(dense, neurons, train).Model;
        PrunedModel written = PrunedModel.Load(output);

        // Removed neurons' mean outputs are folded into the next biases, so the biases tell the calibration rows apart.
        Assert.Equal(expected.Layers.SelectMany(l => l.Bias.ToArray()), written.Layers.SelectMany(l => l.Bias.ToArray()));
        Assert.NotEqual(onAllRows.Layers.SelectMany(l => l.Bias.ToArray()), written.Layers.SelectMany(l => l.Bias.ToArray()));
    }

    [Fact]
    public void BlockPruningRecordsTheBlockSizeInTheModel()
    {
        using var temp = new TempDirectory();
        string output = temp.File("blocks.json");
        CliResult result = Prunet.Run("prune", "--model", _digits.Path, "--data", "digits", "--sparsity", "0.8", "--granularity", "block", "--block", "4", "--finetune-epochs", "1", "-o", output);
        Assert.True(result.ExitCode == 0, result.Error);
        PrunedModel model = PrunedModel.Load(output);
        Assert.All(model.Layers, l => Assert.Equal(4, l.BlockSize));
        Assert.All(model.Layers, l => Assert.True(BlockPattern.IsAligned(l, 4)));
        Assert.Contains("\"blockSize\": 4", File.ReadAllText(output));
        Assert.InRange(model.Statistics.Sparsity, 0.79, 0.8 + 1e-9);
    }

    [Theory]
    [InlineData("gradual")]
    [InlineData("iterative")]
    public void ScheduledPruningReachesTheTargetWhileFineTuning(string schedule)
    {
        using var temp = new TempDirectory();
        string output = temp.File("gradual.json");
        CliResult result = Prunet.Run("prune", "--model", _digits.Path, "--data", "digits", "--sparsity", "0.9", "--schedule", schedule, "--finetune-epochs", "3", "--lr-schedule", "cosine", "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement report = JsonDocument.Parse(result.Output).RootElement;
        Assert.False(report.TryGetProperty("pruned", out _)); // nothing is measured between pruning and fine-tuning: they happen together
        Assert.Equal(0.9, report.GetProperty("pruningRate").GetDouble(), 3);
        Assert.Contains("sparsity 90.0%", result.Error); // the last epoch line

        JsonElement settings = JsonDocument.Parse(PrunedModel.Load(output).ToJson()).RootElement.GetProperty("provenance").GetProperty("pruning")[0].GetProperty("settings");
        Assert.Equal(schedule, settings.GetProperty("schedule").GetString());
        Assert.Equal("cosine", settings.GetProperty("lrSchedule").GetString());
        Assert.True(settings.GetProperty("endStep").GetInt32() > 0);
    }

    [Fact]
    public void TrainCanPruneWhileTraining()
    {
        using var temp = new TempDirectory();
        string output = temp.File("sparse.json");
        CliResult result = Prunet.Run("train", "--data", "digits", "--hidden", "32", "--epochs", "12", "--prune-to", "0.8", "--granularity", "block", "-o", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        PrunedModel model = PrunedModel.Load(output);
        Assert.InRange(model.Statistics.Sparsity, 0.79, 0.8 + 1e-9);
        Assert.All(model.Layers, l => Assert.Equal(8, l.BlockSize));
        Assert.InRange(JsonDocument.Parse(result.Output).RootElement.GetProperty("accuracy").GetDouble(), 0.7, 1);
        Assert.Contains("pruned: magnitude", Prunet.Run("inspect", output).Output);
    }

    [Fact]
    public void SweepWritesTheTableCsvJsonChartsAndModels()
    {
        using var temp = new TempDirectory();
        string directory = temp.File("sweep");
        CliResult result = Prunet.Run("sweep", "--model", _digits.Path, "--data", "digits", "--sparsities", "0.5,0.9", "--finetune-epochs", "1", "-o", directory);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("[1/2] sparsity 0.5", result.Output); // plain progress lines: the output is not a terminal
        Assert.Contains("change vs dense", result.Output);

        string[] csv = File.ReadAllLines(Path.Combine(directory, "sweep.csv"));
        Assert.Equal(4, csv.Length); // header, dense, 0.5, 0.9
        Assert.StartsWith("target,sparsity,nonzeroWeights,multiplyAdds,validationAccuracy,testAccuracy,changePoints", csv[0]);
        Assert.StartsWith("dense,0,", csv[1]);
        Assert.StartsWith("0.9,", csv[3]);

        JsonElement json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "sweep.json"))).RootElement;
        JsonElement[] runs = json.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(new[] { 0.5, 0.9 }, runs.Select(r => r.GetProperty("target").GetDouble()));
        Assert.All(runs, r => Assert.Equal(r.GetProperty("target").GetDouble(), r.GetProperty("sparsity").GetDouble(), 3));
        PrunedModel pruned = PrunedModel.Load(Path.Combine(directory, runs[1].GetProperty("file").GetString()!));
        Assert.Equal(runs[1].GetProperty("nonzeroWeights").GetInt64(), pruned.Statistics.NonzeroWeights);
        Assert.Equal(runs[1].GetProperty("test").GetProperty("accuracy").GetDouble(), JsonDocument.Parse(Prunet.Run("eval", "--model", Path.Combine(directory, "model-0.9.json"), "--data", "digits", "--json").Output).RootElement.GetProperty("accuracy").GetDouble());

        foreach (string chart in new[] { "accuracy-vs-sparsity.png", "layer-sparsity.png", "weight-histogram.png" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(directory, chart));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
        }
    }

    [Fact]
    public void ASweepModelRecordsItsPruningAsPruneDoes()
    {
        using var temp = new TempDirectory();
        string pruned = temp.File("pruned.json"), directory = temp.File("sweep");
        Assert.Equal(0, Prunet.Run("prune", "--model", _digits.Path, "--data", "digits", "--sparsity", "0.5", "--finetune-epochs", "1", "-o", pruned).ExitCode);
        Assert.Equal(0, Prunet.Run("sweep", "--model", _digits.Path, "--data", "digits", "--sparsities", "0.5", "--finetune-epochs", "1", "-o", directory).ExitCode);

        JsonElement Provenance(string path) => JsonDocument.Parse(PrunedModel.Load(path).ToJson()).RootElement.GetProperty("provenance");
        JsonElement byPrune = Provenance(pruned), bySweep = Provenance(Path.Combine(directory, "model-0.5.json"));
        JsonElement pruneStep = byPrune.GetProperty("pruning")[0], sweepStep = bySweep.GetProperty("pruning")[0];
        Assert.Equal(pruneStep.EnumerateObject().Select(p => p.Name).Append("sweep"), sweepStep.EnumerateObject().Select(p => p.Name));
        Assert.True(sweepStep.GetProperty("sweep").GetBoolean());
        foreach (string field in new[] { "method", "settings", "before", "pruned", "after", "pruningRate", "layerPruningRates" })
        {
            Assert.Equal(pruneStep.GetProperty(field).GetRawText(), sweepStep.GetProperty(field).GetRawText());
        }

        Assert.Equal(byPrune.GetProperty("data").GetRawText(), bySweep.GetProperty("data").GetRawText());
        Assert.Equal(byPrune.GetProperty("metrics").GetRawText(), bySweep.GetProperty("metrics").GetRawText());
    }

    [Fact]
    public void FineTuningValidatesOnTheRowsTrainingHeldOut()
    {
        // Without --seed and --validation-fraction, prune takes the model's: the same validation rows.
        using var temp = new TempDirectory();
        string model = temp.File("iris.json");
        Assert.Equal(0, Prunet.Run("train", "--data", "iris", "--hidden", "4", "--epochs", "2", "--seed", "7", "--validation-fraction", "0.2", "-o", model).ExitCode);
        string pruned = temp.File("pruned.json");
        CliResult result = Prunet.Run("prune", "--model", model, "--data", "iris", "--sparsity", "0.5", "--finetune-epochs", "1", "-o", pruned);
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement settings = JsonDocument.Parse(PrunedModel.Load(pruned).ToJson()).RootElement.GetProperty("provenance").GetProperty("pruning")[0].GetProperty("settings");
        Assert.Equal(7, settings.GetProperty("seed").GetInt32());

        // The rows the dense run held out, by the library's own split of the same data, seed and fraction...
        PrunedModel dense = PrunedModel.Load(model);
        Dataset train = DataSource.Load(new DataOptions("iris", Task: ModelTask.Classification).ForModel(dense)).Train;
        Dataset heldOut = ModelTrainer.ValidationSet(train, new TrainingOptions(Array.Empty<int>(), Seed: 7, ValidationFraction: 0.2));
        Dataset otherwise = ModelTrainer.ValidationSet(train, new TrainingOptions(Array.Empty<int>())); // the defaults: seed 0, 0.1
        Assert.NotEqual(otherwise.Rows, heldOut.Rows);

        // ...are the rows the fine-tuning measured its one epoch on: its printed validation loss and
        // accuracy are the pruned model's (the network after that epoch) on exactly those rows.
        Match epoch = Regex.Match(result.Output, @"validation loss (\d+\.\d+)  validation accuracy (\d+\.\d+)");
        Assert.True(epoch.Success, result.Output);
        PrunedModel tuned = PrunedModel.Load(pruned);
        Assert.Equal(double.Parse(epoch.Groups[2].Value, CultureInfo.InvariantCulture), Evaluator.Evaluate(tuned, heldOut).Accuracy!.Value, 4);
        Assert.Equal(double.Parse(epoch.Groups[1].Value, CultureInfo.InvariantCulture), CrossEntropy(tuned, heldOut), 3);

        // A sweep measures its validation column on the same rows.
        string directory = temp.File("sweep");
        Assert.Equal(0, Prunet.Run("sweep", "--model", model, "--data", "iris", "--sparsities", "0.5", "--finetune-epochs", "1", "-o", directory).ExitCode);
        JsonElement validation = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "sweep.json"))).RootElement.GetProperty("dense").GetProperty("validation");
        Assert.Equal(heldOut.Rows, validation.GetProperty("rows").GetInt32());
        Assert.Equal(Evaluator.Evaluate(dense, heldOut).Accuracy, validation.GetProperty("accuracy").GetDouble());

        CliResult given = Prunet.Run("prune", "--model", model, "--data", "iris", "--sparsity", "0.5", "--finetune-epochs", "1", "--seed", "3", "-o", pruned);
        Assert.True(given.ExitCode == 0, given.Error);
        Assert.Equal(3, JsonDocument.Parse(PrunedModel.Load(pruned).ToJson()).RootElement.GetProperty("provenance").GetProperty("pruning")[0].GetProperty("settings").GetProperty("seed").GetInt32());
    }

    // The mean cross-entropy of a classifier's softmax outputs against the labels: the validation loss.
    private static double CrossEntropy(PrunedModel model, Dataset data)
    {
        var outputs = new float[data.Rows * model.OutputSize];
        model.PredictBatch(data.X, outputs);
        return Enumerable.Range(0, data.Rows).Average(r => -Math.Log(outputs[(r * model.OutputSize) + data.Labels![r]]));
    }

    [Fact]
    public void ARegressionSweepReportsRSquared()
    {
        using var temp = new TempDirectory();
        string model = temp.File("mpg.json");
        Assert.Equal(0, Prunet.Run("train", "--data", "auto-mpg", "--hidden", "8", "--epochs", "30", "-o", model).ExitCode);
        string directory = temp.File("sweep");
        CliResult result = Prunet.Run("sweep", "--model", model, "--data", "auto-mpg", "--sparsities", "0.5", "--finetune-epochs", "2", "-o", directory);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("test r2", result.Output);
        Assert.StartsWith("target,sparsity,nonzeroWeights,multiplyAdds,validationR2,testR2,change,", File.ReadLines(Path.Combine(directory, "sweep.csv")).First());
        Assert.True(JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "sweep.json"))).RootElement.GetProperty("runs")[0].GetProperty("test").TryGetProperty("r2", out _));
    }

    [Fact]
    public void ANeuronSweepTakesFractionsOfNeurons()
    {
        using var temp = new TempDirectory();
        string directory = temp.File("sweep");
        CliResult result = Prunet.Run("sweep", "--model", _digits.Path, "--data", "digits", "--sparsities", "0.5", "--method", "neuron", "--criterion", "l2", "--finetune-epochs", "1", "-o", directory);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("neuron fraction 0.5", result.Output);
        Assert.Equal(new[] { 16, 8, 10 }, PrunedModel.Load(Path.Combine(directory, "model-0.5.json")).Layers.Select(l => l.OutputSize));
    }

    [Theory]
    [InlineData("prune", "--method", "neuron", "--sparsity", "0.5")]
    [InlineData("prune", "--method", "neuron")]
    [InlineData("prune", "--fraction", "0.5")]
    [InlineData("prune", "--sparsity", "0.5", "--criterion", "l1")]
    [InlineData("prune", "--method", "neuron", "--fraction", "0.5", "--granularity", "block")]
    [InlineData("prune", "--method", "neuron", "--fraction", "1")]
    [InlineData("prune", "--sparsity", "0.5", "--block", "4")]
    [InlineData("prune", "--sparsity", "0.5", "--granularity", "block", "--block", "0")]
    [InlineData("prune", "--sparsity", "0.5", "--begin-step", "3")]
    [InlineData("prune", "--threshold", "0.1", "--schedule", "gradual")]
    [InlineData("prune", "--sparsity", "0.5", "--schedule", "gradual", "--finetune-epochs", "0")]
    [InlineData("prune", "--sparsity", "0.5", "--schedule", "gradual", "--end-step", "100000")]
    [InlineData("prune", "--sparsity", "0.5", "--schedule", "sometimes")]
    [InlineData("train", "--hidden", "8", "--scope", "layer")]
    [InlineData("train", "--hidden", "8", "--prune-to", "1.5")]
    [InlineData("sweep", "--sparsities", "0.5,x")]
    [InlineData("sweep", "--sparsities", "0.5,0.5")]
    [InlineData("sweep", "--sparsities", "0.5", "--method", "neuron", "--granularity", "block")]
    public void OptionsThatDoNotFitTogetherAreOneLineErrorsAndWriteNothing(params string[] args)
    {
        using var temp = new TempDirectory();
        string output = temp.File("out");
        string[] common = args[0] == "train"
            ? new[] { "--data", "digits", "--epochs", "1", "-o", output }
            : new[] { "--model", _digits.Path, "--data", "digits", "-o", output };
        CliResult result = Prunet.Run(args.Take(1).Concat(common).Concat(args.Skip(1)).ToArray());
        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("prunet: error: ", line);
        Assert.False(File.Exists(output) || Directory.Exists(output));
    }

    [Theory]
    [InlineData("prune --schedule gradual --begin-step -1", "--begin-step must be at least 0, got -1")]
    [InlineData("prune --schedule iterative --begin-step 5 --end-step 2", "--end-step (2) must not come before --begin-step (5)")]
    [InlineData("prune --schedule gradual --end-step -3", "--end-step (-3) must not come before --begin-step (0)")]
    [InlineData("prune --schedule gradual --frequency 0", "--frequency must be at least 1 step, got 0")]
    [InlineData("prune --schedule gradual --end-step 100000", "--end-step 100000 is past the run's last step, 122: the run has 123 steps (3 epochs of 41 mini-batches), numbered from 0")]
    [InlineData("prune --schedule gradual --begin-step 100000", "--begin-step 100000 is past the run's last step, 122: the run has 123 steps (3 epochs of 41 mini-batches), numbered from 0")]
    [InlineData("train --prune-to 0.5 --end-step 50", "--end-step 50 is past the run's last step, 40: the run has 41 steps (1 epoch of 41 mini-batches), numbered from 0")]
    [InlineData("train --prune-to 0.5 --frequency -2", "--frequency must be at least 1 step, got -2")]
    public void ScheduleErrorsNameTheOptionThatWasTyped(string args, string message)
    {
        using var temp = new TempDirectory();
        string output = temp.File("out");
        string[] words = args.Split(' ');
        string[] common = words[0] == "train"
            ? new[] { "--data", "digits", "--hidden", "8", "--epochs", "1", "-o", output }
            : new[] { "--model", _digits.Path, "--data", "digits", "--sparsity", "0.5", "-o", output };
        CliResult result = Prunet.Run(words.Take(1).Concat(common).Concat(words.Skip(1)).ToArray());
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("prunet: error: " + message, result.Error.Trim());
        Assert.False(File.Exists(output));
    }

    /// <summary>One dense 64-32-16-10 digits model, trained once for the class.</summary>
    public sealed class DigitsModel : IDisposable
    {
        private readonly TempDirectory _temp = new();

        public DigitsModel()
        {
            Path = _temp.File("digits.dense.json");
            CliResult result = Prunet.Run("train", "--data", "digits", "--hidden", "32,16", "--epochs", "10", "-o", Path);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException(result.Error);
            }
        }

        public string Path { get; }

        public void Dispose() => _temp.Dispose();
    }
}
