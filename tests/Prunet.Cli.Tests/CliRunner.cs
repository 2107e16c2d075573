using Prunet.Cli;

namespace Prunet.Tests;

/// <summary>Runs the prunet command line in-process and captures what it prints.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

internal static class Prunet
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = PrunetCli.Run(args, output, error);
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary directory, deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("prunet-cli-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
