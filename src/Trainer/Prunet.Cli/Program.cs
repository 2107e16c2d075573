namespace Prunet.Cli;

internal static class Program
{
    private static int Main(string[] args) => PrunetCli.Run(args, Console.Out, Console.Error);
}
