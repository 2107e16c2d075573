using System.Text.Json;

namespace Prunet.Tests;

public class CliTests
{
    [Fact]
    public void HelpDocumentsEveryCommandAndOption()
    {
        CliResult root = Prunet.Run("--help");
        Assert.Equal(0, root.ExitCode);
        foreach (string command in new[] { "train", "prune", "eval", "inspect" })
        {
            Assert.Contains(command, root.Output);
        }

        string train = Prunet.Run("train", "--help").Output;
        foreach (string option in new[] { "--data", "--test", "--target", "--test-fraction", "--split-seed", "--hidden", "--activation", "--task", "--epochs", "--batch", "--lr", "--optimizer", "--momentum", "--seed", "--validation-fraction", "--patience", "--output", "--json", "--verbose" })
        {
            Assert.Contains(option, train);
        }

        string prune = Prunet.Run("prune", "--help").Output;
        foreach (string option in new[] { "--model", "--method", "--sparsity", "--threshold", "--scope", "--finetune-epochs", "--output" })
        {
            Assert.Contains(option, prune);
        }
    }

    [Fact]
    public void TrainPruneEvalAndInspectWorkTogether()
    {
        using var temp = new TempDirectory();
        string dense = temp.File("iris.model.json");
        string pruned = temp.File("iris.pruned.json");

        CliResult train = Prunet.Run("train", "--data", "iris", "--hidden", "8", "--epochs", "40", "--lr", "0.01", "-o", dense, "--json");
        Assert.True(train.ExitCode == 0, train.Error);
        using JsonDocument trained = JsonDocument.Parse(train.Output);
        Assert.InRange(trained.RootElement.GetProperty("accuracy").GetDouble(), 0.8, 1.0);
        Assert.Contains("epoch 40/40", train.Error); // progress goes to standard error with --json
        Assert.Equal(4 * 8 + 8 * 3 + 8 + 3, trained.RootElement.GetProperty("parameters").GetInt64());

        CliResult prune = Prunet.Run("prune", "--model", dense, "--data", "iris", "--sparsity", "0.5", "--scope", "layer", "--finetune-epochs", "5", "-o", pruned, "--json");
        Assert.True(prune.ExitCode == 0, prune.Error);
        JsonElement report = JsonDocument.Parse(prune.Output).RootElement;
        Assert.Equal(0.5, report.GetProperty("pruningRate").GetDouble(), 2);
        Assert.All(report.GetProperty("layerPruningRates").EnumerateArray(), r => Assert.Equal(0.5, r.GetDouble(), 2));
        Assert.Equal(report.GetProperty("sparsity").GetDouble(), report.GetProperty("pruningRate").GetDouble(), 12);

        CliResult eval = Prunet.Run("eval", "--model", pruned, "--data", "iris", "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        JsonElement metrics = JsonDocument.Parse(eval.Output).RootElement;
        Assert.Equal(report.GetProperty("after").GetProperty("accuracy").GetDouble(), metrics.GetProperty("accuracy").GetDouble());
        Assert.Equal(30, metrics.GetProperty("rows").GetInt32()); // the same test split as train and prune
        long nonzeros = metrics.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("nonzeros").GetInt64());
        Assert.Equal(metrics.GetProperty("nonzeroParameters").GetInt64() - CountNonzeroBiases(pruned), nonzeros);
        Assert.Equal(new[] { (4, 8), (8, 3) }, metrics.GetProperty("layers").EnumerateArray().Select(l => (l.GetProperty("in").GetInt32(), l.GetProperty("out").GetInt32())));

        CliResult inspect = Prunet.Run("inspect", pruned, "--json");
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        JsonElement provenance = JsonDocument.Parse(inspect.Output).RootElement.GetProperty("provenance");
        Assert.Equal("iris", provenance.GetProperty("dataset").GetString());
        JsonElement step = provenance.GetProperty("pruning")[0];
        Assert.Equal("magnitude", step.GetProperty("method").GetString());
        Assert.Equal(0.5, step.GetProperty("settings").GetProperty("sparsity").GetDouble());
        Assert.True(step.GetProperty("before").TryGetProperty("accuracy", out _));

        CliResult text = Prunet.Run("inspect", pruned);
        Assert.Contains("4→8", text.Output);
        Assert.Contains("50.0", text.Output);
    }

    [Fact]
    public void TheWorkflowThisProjectGrewFromRunsAsWritten()
    {
        // auto-mpg: 8 inputs, Dense(10) without activation, Dense(1), MSE, Adam, 100 epochs, then |w| < 0.01 → 0.
        using var temp = new TempDirectory();
        string model = temp.File("mpg.model.json");
        CliResult train = Prunet.Run("train", "--data", "auto-mpg", "--hidden", "10", "--activation", "linear", "--epochs", "100", "-o", model, "--json");
        Assert.True(train.ExitCode == 0, train.Error);
        JsonElement trained = JsonDocument.Parse(train.Output).RootElement;
        Assert.Equal("regression", trained.GetProperty("task").GetString());
        Assert.InRange(trained.GetProperty("r2").GetDouble(), 0.7, 1.0);

        string pruned = temp.File("mpg.pruned.json");
        CliResult prune = Prunet.Run("prune", "--model", model, "--data", "auto-mpg", "--threshold", "0.01", "--finetune-epochs", "0", "-o", pruned, "--json");
        Assert.True(prune.ExitCode == 0, prune.Error);
        JsonElement report = JsonDocument.Parse(prune.Output).RootElement;

        // The pruning rate is removed weights / all weights, counted here from the files themselves.
        PrunedModel before = PrunedModel.Load(model);
        PrunedModel after = PrunedModel.Load(pruned);
        int removed = before.Layers.Sum(l => l.Weights.ToArray().Count(w => MathF.Abs(w) < 0.01f));
        Assert.Equal((double)removed / before.Statistics.Weights, report.GetProperty("pruningRate").GetDouble(), 12);
        Assert.Equal(before.Statistics.Weights - removed, after.Statistics.NonzeroWeights);
        Assert.True(report.GetProperty("after").TryGetProperty("mse", out _));
        Assert.True(report.GetProperty("after").TryGetProperty("mae", out _));
    }

    [Fact]
    public void SameSeedGivesTheSameModelBytes()
    {
        using var temp = new TempDirectory();
        string[] Args(string path) => new[] { "train", "--data", "iris", "--hidden", "5", "--epochs", "5", "--seed", "7", "-o", path };
        Assert.Equal(0, Prunet.Run(Args(temp.File("a.json"))).ExitCode);
        Assert.Equal(0, Prunet.Run(Args(temp.File("b.json"))).ExitCode);
        Assert.Equal(File.ReadAllBytes(temp.File("a.json")), File.ReadAllBytes(temp.File("b.json")));
    }

    [Fact]
    public void AConstantTestTargetHasNoRSquaredAndEveryCommandSaysSo()
    {
        // R² compares with the target's own spread; a constant test target has none, so R² is
        // undefined (null), and every report must say so rather than fail.
        using var temp = new TempDirectory();
        string train = temp.File("train.csv"), test = temp.File("test.csv");
        File.WriteAllLines(train, new[] { "a,b,y" }.Concat(Enumerable.Range(0, 60).Select(i => FormattableString.Invariant($"{i % 7},{i % 5},{(0.5 * (i % 7)) + (0.25 * (i % 5)) + 0.1}"))));
        File.WriteAllLines(test, new[] { "a,b,y" }.Concat(Enumerable.Range(0, 10).Select(i => FormattableString.Invariant($"{i % 7},{i % 3},5.5"))));
        string model = temp.File("model.json");
        string[] data = { "--data", train, "--test", test };
        CliResult trained = Prunet.Run(new[] { "train", "--hidden", "4", "--epochs", "3", "--task", "regression", "-o", model, "--json" }.Concat(data).ToArray());
        Assert.True(trained.ExitCode == 0, trained.Error);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(trained.Output).RootElement.GetProperty("r2").ValueKind);

        CliResult eval = Prunet.Run(new[] { "eval", "--model", model, "--json" }.Concat(data).ToArray());
        Assert.True(eval.ExitCode == 0, eval.Error);
        JsonElement metrics = JsonDocument.Parse(eval.Output).RootElement;
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("r2").ValueKind);
        Assert.True(metrics.GetProperty("mse").GetDouble() >= 0);
        Assert.Contains("R² undefined", Prunet.Run(new[] { "eval", "--model", model }.Concat(data).ToArray()).Output);

        string pruned = temp.File("pruned.json");
        CliResult prune = Prunet.Run(new[] { "prune", "--model", model, "--sparsity", "0.5", "--finetune-epochs", "1", "-o", pruned, "--json" }.Concat(data).ToArray());
        Assert.True(prune.ExitCode == 0, prune.Error);
        JsonElement report = JsonDocument.Parse(prune.Output).RootElement;
        foreach (string stage in new[] { "before", "pruned", "after" })
        {
            Assert.Equal(JsonValueKind.Null, report.GetProperty(stage).GetProperty("r2").ValueKind);
        }

        Assert.Contains("R² undefined", prune.Error); // the human-readable report, on standard error with --json
        Assert.DoesNotContain("R² ,", prune.Error);
        Assert.Contains("r2 undefined", Prunet.Run("inspect", pruned).Output);

        string directory = temp.File("sweep");
        CliResult sweep = Prunet.Run(new[] { "sweep", "--model", model, "--sparsities", "0.5", "--finetune-epochs", "1", "-o", directory }.Concat(data).ToArray());
        Assert.True(sweep.ExitCode == 0, sweep.Error);
        Assert.DoesNotContain("NaN", sweep.Output);
        JsonElement run = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "sweep.json"))).RootElement.GetProperty("runs")[0];
        Assert.Equal(JsonValueKind.Null, run.GetProperty("test").GetProperty("r2").ValueKind);
        Assert.Equal(JsonValueKind.Null, run.GetProperty("change").ValueKind);
    }

    private static long CountNonzeroBiases(string path) => PrunedModel.Load(path).Layers.Sum(l => l.Bias.ToArray().Count(b => b != 0f));
}
