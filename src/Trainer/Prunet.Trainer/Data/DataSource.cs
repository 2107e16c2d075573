using System.Globalization;
using System.Reflection;
using Prunet.Training;

namespace Prunet.Data;

/// <summary>Where the data comes from and how its test rows are chosen.</summary>
/// <param name="Data">
/// A bundled dataset name (<c>digits</c>, <c>iris</c>, <c>auto-mpg</c>), a CSV file, or a
/// directory holding MNIST-layout IDX files (<c>train-images*</c>, <c>train-labels*</c>, and
/// optionally <c>t10k-images*</c>, <c>t10k-labels*</c> as the test set).
/// </param>
/// <param name="TestData">A CSV file to use as the test set instead of a split of <paramref name="Data"/>.</param>
/// <param name="Target">The target column of a CSV file; null for the last column.</param>
/// <param name="Task">Classification or regression; null to detect it from the target values.</param>
/// <param name="TestFraction">Fraction of the rows held out as the test set when there is no separate test data, in [0, 1).</param>
/// <param name="SplitSeed">Chooses the test rows; independent of the training seed.</param>
/// <param name="Classes">
/// The classes of the model the data is for, in output order, or null for the data's own (sorted)
/// classes. Labels are matched to them by name after the split, so the test rows stay the same:
/// see <see cref="DataOptions.ForModel"/>.
/// </param>
public sealed record DataOptions(string Data, string? TestData = null, string? Target = null, ModelTask? Task = null, double TestFraction = 0.2, int SplitSeed = 0, IReadOnlyList<string>? Classes = null)
{
    /// <summary>
    /// The classes a classifier's outputs stand for: its labels, or, for a model without labels
    /// (an imported one), "0" to "K-1", so that integer label k of the data is output k.
    /// </summary>
    public static IReadOnlyList<string>? ClassesOf(PrunedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Task != ModelTask.Classification)
        {
            return null;
        }

        return model.Labels ?? Enumerable.Range(0, model.OutputSize).Select(k => k.ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>These options with the classes of <paramref name="model"/> (<see cref="ClassesOf"/>).</summary>
    public DataOptions ForModel(PrunedModel model) => this with { Classes = ClassesOf(model) };
}

/// <summary>A training set and the test set held out from it (or read beside it).</summary>
/// <param name="Train">Rows to train on (validation rows, if any, are carved from these by the trainer).</param>
/// <param name="Test">Rows to measure the final model on; never used for any training choice.</param>
public sealed record DataSplit(Dataset Train, Dataset Test);

/// <summary>Loads datasets from bundled names, CSV files and IDX directories.</summary>
public static class DataSource
{
    private static readonly (string Name, string Resource)[] Bundled =
    {
        ("digits", "Prunet.Data.digits.csv"),
        ("iris", "Prunet.Data.iris.csv"),
        ("auto-mpg", "Prunet.Data.auto_mpg.csv"),
    };

    /// <summary>The names of the datasets that ship inside the library.</summary>
    public static IReadOnlyList<string> BundledNames { get; } = Bundled.Select(b => b.Name).ToArray();

    /// <summary>
    /// Loads the data and its test set: the <c>t10k</c> files of an IDX directory, else
    /// <see cref="DataOptions.TestData"/>, else a split of <see cref="DataOptions.TestFraction"/> of
    /// the rows (stratified by class for classification, random for regression) that depends only on
    /// the data and <see cref="DataOptions.SplitSeed"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The data cannot be found or read; the message says where and why.</exception>
    public static DataSplit Load(DataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Data);
        if (!(options.TestFraction >= 0 && options.TestFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TestFraction, "TestFraction must be in [0, 1)");
        }

        DataSplit split = LoadSplit(options);
        return options.Classes == null || split.Train.Task != ModelTask.Classification
            ? split
            : new DataSplit(split.Train.WithClasses(options.Classes), split.Test.WithClasses(options.Classes));
    }

    private static DataSplit LoadSplit(DataOptions options)
    {
        if (Directory.Exists(options.Data))
        {
            return LoadIdxDirectory(options);
        }

        Dataset train = LoadCsv(options.Data, options.Target, options.Task);
        if (options.TestData != null)
        {
            (string text, string file, string name) = CsvText(options.TestData);
            return new DataSplit(train, CsvDatasetReader.ReadLike(text, file, name, train));
        }

        return SplitOff(train, options);
    }

    /// <summary>Loads one dataset (a bundled name, a CSV file or an IDX directory's training files) without splitting it.</summary>
    public static Dataset LoadDataset(string data, string? target = null, ModelTask? task = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(data);
        if (Directory.Exists(data))
        {
            (string images, string labels) = FindIdxPair(data, "train");
            return IdxReader.Read(images, labels, DirectoryName(data), null);
        }

        return LoadCsv(data, target, task);
    }

    private static DataSplit LoadIdxDirectory(DataOptions options)
    {
        if (options.TestData != null)
        {
            throw new DataFormatException(options.TestData, "a separate test file cannot be combined with an IDX directory (" + options.Data + "), whose t10k files are its test set");
        }

        if (options.Target != null || options.Task == ModelTask.Regression)
        {
            throw new DataFormatException(options.Data, "IDX images are a classification dataset with one label per image; Target and a regression Task do not apply");
        }

        string name = DirectoryName(options.Data);
        (string trainImages, string trainLabels) = FindIdxPair(options.Data, "train");
        Dataset train = IdxReader.Read(trainImages, trainLabels, name, null);
        string[] testImages = Directory.GetFiles(options.Data, "t10k-images*");
        string[] testLabels = Directory.GetFiles(options.Data, "t10k-labels*");
        if (testImages.Length == 0 && testLabels.Length == 0)
        {
            return SplitOff(train, options);
        }

        (string images, string labels) = FindIdxPair(options.Data, "t10k");
        return new DataSplit(train, IdxReader.Read(images, labels, name, train.ClassNames));
    }

    private static (string Images, string Labels) FindIdxPair(string directory, string prefix)
    {
        return (Single(directory, prefix + "-images*"), Single(directory, prefix + "-labels*"));

        static string Single(string directory, string pattern)
        {
            string[] found = Directory.GetFiles(directory, pattern);
            Array.Sort(found, StringComparer.Ordinal);
            return found.Length switch
            {
                1 => found[0],
                0 => throw new DataFormatException(directory, "no file matches " + pattern + " (an IDX directory holds train-images*, train-labels* and optionally t10k-images*, t10k-labels*)"),
                _ => throw new DataFormatException(directory, "several files match " + pattern + ": " + string.Join(", ", found.Select(Path.GetFileName))),
            };
        }
    }

    private static DataSplit SplitOff(Dataset data, DataOptions options)
    {
        (int[] train, int[] test) = DataSplitter.Split(data, options.TestFraction, options.SplitSeed, RandomStreams.TestSplit);
        return new DataSplit(data.Subset(train), data.Subset(test));
    }

    private static Dataset LoadCsv(string data, string? target, ModelTask? task)
    {
        (string text, string file, string name) = CsvText(data);
        return CsvDatasetReader.Read(text, file, name, target, task);
    }

    // The CSV text of a file or bundled dataset, the file name for errors and the dataset's name.
    private static (string Text, string File, string Name) CsvText(string data)
    {
        if (File.Exists(data))
        {
            byte[] bytes = IdxReader.ReadBytes(data);
            if (IdxReader.LooksLikeIdx(bytes))
            {
                throw new DataFormatException(data, "this is an IDX file, not CSV: pass the directory that holds the train-images and train-labels files");
            }

            // UTF-8 unless a byte order mark says otherwise; gzip-compressed CSV is decompressed above.
            using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return (reader.ReadToEnd(), data, Path.GetFileName(data));
        }

        if (Directory.Exists(data))
        {
            throw new DataFormatException(data, "is a directory; a CSV file was expected here");
        }

        foreach ((string name, string resource) in Bundled)
        {
            if (string.Equals(name, data, StringComparison.OrdinalIgnoreCase))
            {
                using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
                    ?? throw new InvalidOperationException("the bundled dataset " + resource + " is missing from the assembly");
                using var reader = new StreamReader(stream);
                return (reader.ReadToEnd(), name + " (bundled)", name);
            }
        }

        throw new DataFormatException(data, "no such file or directory, and not a bundled dataset (bundled: " + string.Join(", ", BundledNames) + ")");
    }

    private static string DirectoryName(string path) => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
}
