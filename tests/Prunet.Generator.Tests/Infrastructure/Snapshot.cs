using System.Runtime.CompilerServices;

namespace Prunet.Tests.Infrastructure;

/// <summary>
/// Compares text with a checked-in file under Snapshots/. On a difference it writes
/// <c>Name.received.cs</c> beside the expected file and fails, saying how to accept the change.
/// </summary>
public static class Snapshot
{
    public static string Directory() => Path.Combine(TestProjectDirectory(), "Snapshots");

    // The caller's file is always this one: Infrastructure/Snapshot.cs in the test project.
    private static string TestProjectDirectory([CallerFilePath] string thisFile = "")
        => Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!;

    /// <summary>The repository's root: the nearest folder above the tests with Directory.Build.props.</summary>
    public static string RepositoryRoot()
    {
        DirectoryInfo? root = new(Directory());
        while (root != null && !File.Exists(Path.Combine(root.FullName, "Directory.Build.props")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("no Directory.Build.props above " + Directory());
    }

    public static void Match(string name, string actual)
    {
        string expectedPath = Path.Combine(Directory(), name);
        string receivedPath = Path.ChangeExtension(expectedPath, null);
        receivedPath = receivedPath.Substring(0, receivedPath.Length - ".g".Length) + ".received.cs";
        string? expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath).ReplaceLineEndings("\n") : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable("PRUNET_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(expectedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Assert.Fail(
            (expected == null ? "no snapshot " + expectedPath + " yet" : "the generated source differs from " + expectedPath) +
            ".\nThe new text is in " + receivedPath + ". If it is right, accept it with\n  mv '" + receivedPath + "' '" + expectedPath + "'\n" +
            "or rerun the tests with PRUNET_ACCEPT_SNAPSHOTS=1, and review the diff before committing." +
            (expected == null ? string.Empty : "\nFirst difference at line " + FirstDifference(expected, actual) + "."));
    }

    private static int FirstDifference(string expected, string actual)
    {
        string[] a = expected.Split('\n');
        string[] b = actual.Split('\n');
        for (int n = 0; n < Math.Min(a.Length, b.Length); n++)
        {
            if (a[n] != b[n])
            {
                return n + 1;
            }
        }

        return Math.Min(a.Length, b.Length) + 1;
    }
}
