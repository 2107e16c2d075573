namespace Prunet.Data;

/// <summary>
/// Rows of raw feature values with a class label or a regression target per row. Values are kept
/// as read (IDX pixels 0..255, CSV numbers as written): all scaling lives in the model's
/// preprocessing, so a model trained on a dataset takes the same raw rows a user would pass it.
/// </summary>
public sealed class Dataset
{
    private Dataset(string name, float[] x, IReadOnlyList<string> featureNames, ModelTask task, int[]? labels, IReadOnlyList<string>? classNames, float[]? targets, string targetName)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("a dataset needs a name", nameof(name));
        }

        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        if (featureNames.Count < 1)
        {
            throw new ArgumentException("a dataset needs at least one feature", nameof(featureNames));
        }

        int rows = labels?.Length ?? targets!.Length;
        if (x.Length != (long)rows * featureNames.Count)
        {
            throw new ArgumentException("expected " + ((long)rows * featureNames.Count) + " values (" + rows + " rows × " + featureNames.Count + " features), found " + x.Length, nameof(x));
        }

        for (int i = 0; i < x.Length; i++)
        {
            if (!float.IsFinite(x[i]))
            {
                throw new ArgumentException("feature " + featureNames[i % featureNames.Count] + " of row " + (i / featureNames.Count) + " is " + x[i] + "; values must be finite", nameof(x));
            }
        }

        CheckNames(featureNames, "feature", nameof(featureNames));
        if (classNames != null)
        {
            CheckNames(classNames, "class", nameof(classNames));
        }

        Name = name;
        X = x;
        Rows = rows;
        Features = featureNames.Count;
        FeatureNames = featureNames.ToArray();
        Task = task;
        Labels = labels;
        ClassNames = classNames?.ToArray();
        Targets = targets;
        TargetName = targetName;
    }

    /// <summary>What the dataset is called: a bundled name (<c>digits</c>), a file or directory name.</summary>
    public string Name { get; }

    /// <summary>Number of rows (examples).</summary>
    public int Rows { get; }

    /// <summary>Number of features per row.</summary>
    public int Features { get; }

    /// <summary>Raw feature values, row-major: row r, feature i is <c>X[r * Features + i]</c>.</summary>
    public float[] X { get; }

    /// <summary>One name per feature (CSV header names, <c>pixel0</c>... for IDX images).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Classification (a label per row) or regression (a target per row).</summary>
    public ModelTask Task { get; }

    /// <summary>For classification, the class index of each row (an index into <see cref="ClassNames"/>); else null.</summary>
    public int[]? Labels { get; }

    /// <summary>For classification, the name of each class index; else null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>For regression, the target value of each row; else null.</summary>
    public float[]? Targets { get; }

    /// <summary>The target column's name (<c>label</c>, <c>mpg</c>, ...).</summary>
    public string TargetName { get; }

    /// <summary>
    /// A classification dataset. The arrays are used as they are, not copied (datasets such as
    /// Fashion-MNIST are hundreds of megabytes); the caller must not change them afterwards.
    /// </summary>
    /// <param name="name">What the dataset is called.</param>
    /// <param name="x">Raw feature values, rows × features, row-major.</param>
    /// <param name="featureNames">One name per feature.</param>
    /// <param name="labels">The class index of each row.</param>
    /// <param name="classNames">The name of each class index; every label must be below its count.</param>
    /// <param name="targetName">The label column's name.</param>
    public static Dataset ForClassification(string name, float[] x, IReadOnlyList<string> featureNames, int[] labels, IReadOnlyList<string> classNames, string targetName)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (classNames.Count < 1)
        {
            throw new ArgumentException("a classification dataset needs at least one class name", nameof(classNames));
        }

        for (int r = 0; r < labels.Length; r++)
        {
            if ((uint)labels[r] >= (uint)classNames.Count)
            {
                throw new ArgumentException("the label of row " + r + " is " + labels[r] + ", not a class index below " + classNames.Count, nameof(labels));
            }
        }

        return new Dataset(name, x, featureNames, ModelTask.Classification, labels, classNames, null, targetName);
    }

    /// <summary>A regression dataset. The arrays are used as they are, not copied.</summary>
    /// <param name="name">What the dataset is called.</param>
    /// <param name="x">Raw feature values, rows × features, row-major.</param>
    /// <param name="featureNames">One name per feature.</param>
    /// <param name="targets">The target value of each row; finite.</param>
    /// <param name="targetName">The target column's name.</param>
    public static Dataset ForRegression(string name, float[] x, IReadOnlyList<string> featureNames, float[] targets, string targetName)
    {
        ArgumentNullException.ThrowIfNull(targets);
        for (int r = 0; r < targets.Length; r++)
        {
            if (!float.IsFinite(targets[r]))
            {
                throw new ArgumentException("the target of row " + r + " is " + targets[r] + "; targets must be finite", nameof(targets));
            }
        }

        return new Dataset(name, x, featureNames, ModelTask.Regression, null, null, targets, targetName);
    }

    /// <summary>The features of one row.</summary>
    public ReadOnlySpan<float> Row(int row) => new(X, row * Features, Features);

    /// <summary>
    /// The given rows, in the given order, as a new dataset with the same name, features, task and
    /// class names (so class indices keep their meaning).
    /// </summary>
    public Dataset Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var x = new float[(long)rows.Count * Features];
        for (int k = 0; k < rows.Count; k++)
        {
            if ((uint)rows[k] >= (uint)Rows)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), "row " + rows[k] + " is not in 0.." + (Rows - 1));
            }

            Array.Copy(X, (long)rows[k] * Features, x, (long)k * Features, Features);
        }

        if (Task == ModelTask.Classification)
        {
            int[] labels = rows.Select(r => Labels![r]).ToArray();
            return new Dataset(Name, x, FeatureNames, Task, labels, ClassNames, null, TargetName);
        }

        float[] targets = rows.Select(r => Targets![r]).ToArray();
        return new Dataset(Name, x, FeatureNames, Task, null, null, targets, TargetName);
    }

    /// <summary>
    /// The same rows with their labels renumbered to <paramref name="classes"/> (a model's classes,
    /// in output order), matched by name: class "3" of the data becomes index 3 of "0".."9" even when
    /// the data lacks some classes. A class of the data that is not among them is an error naming it.
    /// </summary>
    /// <exception cref="DataFormatException">The data has a class the model does not.</exception>
    public Dataset WithClasses(IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (Task != ModelTask.Classification)
        {
            throw new InvalidOperationException(Name + " is a regression dataset; it has no classes");
        }

        if (classes.SequenceEqual(ClassNames!, StringComparer.Ordinal))
        {
            return this;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classes.Count; c++)
        {
            index.Add(classes[c], c);
        }

        var renumbered = new int[ClassNames!.Count];
        for (int c = 0; c < renumbered.Length; c++)
        {
            if (!index.TryGetValue(ClassNames[c], out renumbered[c]))
            {
                throw new DataFormatException(Name, "class \"" + ClassNames[c] + "\" of " + TargetName + " is not one of the model's classes (" + string.Join(", ", classes) + ")", column: TargetName);
            }
        }

        int[] labels = Labels!.Select(l => renumbered[l]).ToArray();
        return new Dataset(Name, X, FeatureNames, Task, labels, classes, null, TargetName);
    }

    // Models carry these names (input names, labels), and the format wants them non-empty and unique.
    private static void CheckNames(IReadOnlyList<string> names, string what, string parameter)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("a " + what + " name is empty", parameter);
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException("two " + what + "s are named \"" + name + "\"", parameter);
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name + " (" + Rows + " rows × " + Features + " features, " + (Task == ModelTask.Classification ? ClassNames!.Count + " classes" : "regression on " + TargetName) + ")";
}
