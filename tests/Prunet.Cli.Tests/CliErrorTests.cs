namespace Prunet.Tests;

/// <summary>Every error: exit code 1, one line naming the place, no stack trace unless --verbose, no output file touched.</summary>
public class CliErrorTests
{
    [Fact]
    public void AMissingModelFileIsOneLineNamingThePath()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("nope.model.json");
        CliResult result = Prunet.Run("inspect", missing);
        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("prunet: error: ", line);
        Assert.Contains(missing, line);

        CliResult verbose = Prunet.Run("inspect", missing, "--verbose");
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("   at ", verbose.Error);
    }

    [Fact]
    public void AMalformedModelNamesFileLineAndColumn()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bad.model.json");
        File.WriteAllText(path, "{\n  \"format\": \"prunet-model\",\n  \"version\": 7\n}");
        CliResult result = Prunet.Run("eval", "--model", path, "--data", "iris");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"prunet: error: {path}(3,14): $.version: unsupported format version 7: this reader supports version 1", result.Error.Trim());
    }

    [Fact]
    public void ABadCsvRowNamesFileAndLine()
    {
        using var temp = new TempDirectory();
        string csv = temp.File("data.csv");
        File.WriteAllText(csv, "a,b,label\n1,2,0\n3,x,1\n5,6,0\n");
        string output = temp.File("model.json");
        CliResult result = Prunet.Run("train", "--data", csv, "--hidden", "2", "-o", output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(csv, result.Error);
        Assert.Contains("line 3", result.Error);
        Assert.False(File.Exists(output));
        Assert.Equal(new[] { csv }, Directory.GetFiles(temp.Path));
    }

    [Fact]
    public void AFailedRunLeavesAnExistingOutputUntouched()
    {
        using var temp = new TempDirectory();
        string output = temp.File("model.json");
        File.WriteAllText(output, "precious");
        CliResult result = Prunet.Run("train", "--data", "no-such-dataset", "--hidden", "2", "-o", output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("digits", result.Error); // the message lists the bundled names
        Assert.Equal("precious", File.ReadAllText(output));
    }

    [Theory]
    [InlineData("--sparsity", "0.5", "--threshold", "0.1")]
    [InlineData("--finetune-epochs", "1")]
    [InlineData("--threshold", "0.1", "--scope", "layer")]
    [InlineData("--sparsity", "1.5")]
    [InlineData("--sparsity", "0.5", "--lr", "-1")]
    [InlineData("--sparsity", "0.5", "--method", "random")]
    public void PruneRefusesOptionsThatDoNotSayWhatToDo(params string[] options)
    {
        using var temp = new TempDirectory();
        string model = temp.File("m.json");
        Assert.Equal(0, Prunet.Run("train", "--data", "iris", "--hidden", "3", "--epochs", "1", "-o", model).ExitCode);
        string output = temp.File("p.json");
        CliResult result = Prunet.Run(new[] { "prune", "--model", model, "--data", "iris", "-o", output }.Concat(options).ToArray());
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Theory]
    [InlineData("--hidden", "train --data iris --epochs 1 -o {out} --hidden 8 --hidden 4")]
    [InlineData("--sparsities", "sweep --model {model} --data iris -o {out} --sparsities 0.5 --sparsities 0.9")]
    [InlineData("--labels", "import {model} -o {out} --labels a,b --labels c")]
    [InlineData("--input-scale", "import {model} -o {out} --input-scale 0.5 --input-scale 0.5")]
    [InlineData("--input-shift", "import {model} -o {out} --input-shift 1 --input-shift 2")]
    public void AListOptionGivenTwiceIsAnErrorNotALongerOrShorterList(string option, string command)
    {
        // Every list option takes one comma-separated value: a repeat would otherwise either drop
        // values or, for --input-scale (one value, or one per feature), change what they mean.
        using var temp = new TempDirectory();
        string output = temp.File("out.json");
        string[] args = command.Replace("{out}", output).Replace("{model}", temp.File("missing.onnx")).Split(' ');
        CliResult result = Prunet.Run(args);
        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("prunet: error: ", line);
        Assert.Contains(option, line);
        Assert.DoesNotContain("missing.onnx", line); // refused as typed, before any file is read
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("--hidden", "10,x")]
    [InlineData("--hidden", "0")]
    [InlineData("--hidden", "10", "--activation", "softmax")]
    [InlineData("--hidden", "10", "--bogus")]
    public void TrainRefusesBadOptions(params string[] options)
    {
        using var temp = new TempDirectory();
        CliResult result = Prunet.Run(new[] { "train", "--data", "iris", "-o", temp.File("m.json") }.Concat(options).ToArray());
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(File.Exists(temp.File("m.json")));
    }
}
