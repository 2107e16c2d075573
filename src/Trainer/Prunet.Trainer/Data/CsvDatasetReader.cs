using System.Globalization;

namespace Prunet.Data;

/// <summary>
/// Turns CSV text into a <see cref="Dataset"/>: a header row of names, one column the target and
/// every other column a numeric feature.
/// </summary>
internal static class CsvDatasetReader
{
    /// <summary>
    /// Most distinct integer targets a column may have to be taken for class labels when the task is
    /// not given; more look like a count or a measurement (auto-mpg's cylinders have 5, its model
    /// years 13, digits' labels 10).
    /// </summary>
    public const int MaxDetectedClasses = 20;

    /// <summary>Reads a training (or only) file, detecting the task and classes when not given.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="file">The file's name for error messages.</param>
    /// <param name="name">The dataset's name.</param>
    /// <param name="target">The target column's name, or null for the last column.</param>
    /// <param name="task">The task, or null to detect it from the target values.</param>
    public static Dataset Read(string text, string file, string name, string? target, ModelTask? task)
    {
        Table table = ReadTable(text, file, header =>
        {
            int targetColumn = header.Length - 1;
            if (target != null)
            {
                targetColumn = Array.IndexOf(header, target);
                if (targetColumn < 0)
                {
                    throw new DataFormatException(file, "no column is named \"" + target + "\" (the columns are " + string.Join(", ", header) + ")", 1);
                }
            }

            int[] features = Enumerable.Range(0, header.Length).Where(c => c != targetColumn).ToArray();
            return (features, targetColumn);
        });

        ModelTask chosen = task ?? DetectTask(table);
        if (chosen == ModelTask.Regression)
        {
            return Dataset.ForRegression(name, table.X.ToArray(), table.FeatureNames, RegressionTargets(table), table.TargetName);
        }

        string[] classNames = ClassNames(table);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classNames.Length; c++)
        {
            index.Add(classNames[c], c);
        }

        bool integers = AllIntegers(table, out _);
        int[] labels = table.Targets.Select(t => index[ClassKey(t, integers)]).ToArray();
        return Dataset.ForClassification(name, table.X.ToArray(), table.FeatureNames, labels, classNames, table.TargetName);
    }

    /// <summary>
    /// Reads a test file with the training set's columns (in any order), target and task; a
    /// class the training set does not have is an error naming it.
    /// </summary>
    public static Dataset ReadLike(string text, string file, string name, Dataset train)
    {
        Table table = ReadTable(text, file, header =>
        {
            int targetColumn = Array.IndexOf(header, train.TargetName);
            if (targetColumn < 0)
            {
                throw new DataFormatException(file, "no target column \"" + train.TargetName + "\" (the training data's target)", 1);
            }

            var features = new int[train.Features];
            for (int i = 0; i < train.Features; i++)
            {
                features[i] = Array.IndexOf(header, train.FeatureNames[i]);
                if (features[i] < 0)
                {
                    throw new DataFormatException(file, "no column \"" + train.FeatureNames[i] + "\", a feature of the training data", 1);
                }
            }

            if (header.Length != train.Features + 1)
            {
                string extra = header.First(h => h != train.TargetName && !train.FeatureNames.Contains(h));
                throw new DataFormatException(file, "column \"" + extra + "\" is not in the training data (a test file must have the same columns)", 1, extra);
            }

            return (features, targetColumn);
        });

        if (train.Task == ModelTask.Regression)
        {
            return Dataset.ForRegression(name, table.X.ToArray(), train.FeatureNames, RegressionTargets(table), train.TargetName);
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < train.ClassNames!.Count; c++)
        {
            index.Add(train.ClassNames[c], c);
        }

        // Class names of integer labels are canonical integers, so "3.0" in a test file is class "3".
        bool integers = train.ClassNames.All(n => long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var labels = new int[table.Targets.Count];
        for (int r = 0; r < labels.Length; r++)
        {
            string key = ClassKey(table.Targets[r], integers && IsInteger(table.Targets[r], out _));
            if (!index.TryGetValue(key, out labels[r]))
            {
                throw new DataFormatException(file, "class \"" + table.Targets[r] + "\" does not occur in the training data (its classes are " + string.Join(", ", train.ClassNames) + ")", table.Lines[r], train.TargetName);
            }
        }

        return Dataset.ForClassification(name, table.X.ToArray(), train.FeatureNames, labels, train.ClassNames, train.TargetName);
    }

    /// <summary>
    /// Classification when the target values are not all numbers, or are all integers with at most
    /// <see cref="MaxDetectedClasses"/> distinct values; regression otherwise.
    /// </summary>
    private static ModelTask DetectTask(Table table)
    {
        if (!table.Targets.All(t => IsNumber(t, out _)))
        {
            return ModelTask.Classification;
        }

        return AllIntegers(table, out int distinct) && distinct <= MaxDetectedClasses ? ModelTask.Classification : ModelTask.Regression;
    }

    // The distinct target values: integers ordered by value (so "10" follows "9"), other text ordinally.
    private static string[] ClassNames(Table table)
    {
        if (AllIntegers(table, out _))
        {
            return table.Targets.Select(t => { IsInteger(t, out long v); return v; }).Distinct().Order().Select(v => v.ToString(CultureInfo.InvariantCulture)).ToArray();
        }

        return table.Targets.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static string ClassKey(string target, bool integer)
    {
        if (integer && IsInteger(target, out long value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        return target;
    }

    private static float[] RegressionTargets(Table table)
    {
        var targets = new float[table.Targets.Count];
        for (int r = 0; r < targets.Length; r++)
        {
            if (!IsNumber(table.Targets[r], out double value) || !float.IsFinite((float)value))
            {
                throw new DataFormatException(table.File, "target \"" + table.Targets[r] + "\" is not a number (a regression target must be)", table.Lines[r], table.TargetName);
            }

            targets[r] = (float)value;
        }

        return targets;
    }

    private static bool AllIntegers(Table table, out int distinct)
    {
        var values = new HashSet<long>();
        foreach (string t in table.Targets)
        {
            if (!IsInteger(t, out long v))
            {
                distinct = 0;
                return false;
            }

            values.Add(v);
        }

        distinct = values.Count;
        return true;
    }

    private static bool IsNumber(string text, out double value)
        => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool IsInteger(string text, out long value)
    {
        value = 0;
        if (!IsNumber(text, out double number) || Math.Floor(number) != number || Math.Abs(number) > 1e15)
        {
            return false;
        }

        value = (long)number;
        return true;
    }

    private static Table ReadTable(string text, string file, Func<string[], (int[] Features, int Target)> chooseColumns)
    {
        using IEnumerator<CsvRecord> records = CsvReader.Records(text, file).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new DataFormatException(file, "the file is empty (expected a header row of column names)");
        }

        CsvRecord headerRecord = records.Current;
        string[] header = headerRecord.Fields.Select(f => f.Trim()).ToArray();
        if (header.Length < 2)
        {
            throw new DataFormatException(file, "the header has " + header.Length + " column; a dataset needs at least one feature and a target", headerRecord.Line);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0)
            {
                throw new DataFormatException(file, "column " + (c + 1) + " of the header has no name", headerRecord.Line);
            }

            if (!seen.Add(header[c]))
            {
                throw new DataFormatException(file, "two columns are named \"" + header[c] + "\"", headerRecord.Line, header[c]);
            }
        }

        (int[] featureColumns, int targetColumn) = chooseColumns(header);
        var table = new Table(file, featureColumns.Select(c => header[c]).ToArray(), header[targetColumn]);
        while (records.MoveNext())
        {
            CsvRecord record = records.Current;
            if (record.Fields.Length != header.Length)
            {
                throw new DataFormatException(file, "expected " + header.Length + " fields, as in the header, found " + record.Fields.Length, record.Line);
            }

            foreach (int c in featureColumns)
            {
                string field = record.Fields[c].Trim();
                if (field.Length == 0)
                {
                    throw new DataFormatException(file, "empty value (every feature needs a number)", record.Line, header[c]);
                }

                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                {
                    throw new DataFormatException(file, "\"" + field + "\" is not a number", record.Line, header[c]);
                }

                if (!float.IsFinite((float)value))
                {
                    throw new DataFormatException(file, "\"" + field + "\" is not a finite 32-bit number", record.Line, header[c]);
                }

                table.X.Add((float)value);
            }

            string target = record.Fields[targetColumn].Trim();
            if (target.Length == 0)
            {
                throw new DataFormatException(file, "missing target value", record.Line, header[targetColumn]);
            }

            table.Targets.Add(target);
            table.Lines.Add(record.Line);
        }

        if (table.Targets.Count == 0)
        {
            throw new DataFormatException(file, "the file has a header but no data rows");
        }

        return table;
    }

    // The parsed rows before the target column is interpreted.
    private sealed class Table
    {
        public Table(string file, string[] featureNames, string targetName)
        {
            File = file;
            FeatureNames = featureNames;
            TargetName = targetName;
        }

        public string File { get; }

        public string[] FeatureNames { get; }

        public string TargetName { get; }

        public List<float> X { get; } = new();

        public List<string> Targets { get; } = new();

        public List<long> Lines { get; } = new();
    }
}
