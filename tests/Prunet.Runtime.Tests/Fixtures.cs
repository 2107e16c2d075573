namespace Prunet.Tests;

/// <summary>The JSON documents under Fixtures/, copied beside the test assembly.</summary>
internal static class Fixtures
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static IEnumerable<object[]> All()
        => System.IO.Directory.GetFiles(Directory, "*.json").OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { Path.GetFileName(f) });

    public static IEnumerable<object[]> Models()
        => All().Where(f => ((string)f[0]).EndsWith(".model.json", StringComparison.Ordinal));

    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));
}
