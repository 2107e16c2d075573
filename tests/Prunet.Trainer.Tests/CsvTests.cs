using Prunet.Data;

namespace Prunet.Tests;

public class CsvTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ReadsQuotedFieldsCrlfAndBom()
    {
        string path = _dir.Write("q.csv", "\uFEFF\"a,1\",\"b \"\"2\"\"\",label\r\n1,2,\"x\r\ny\"\r\n\r\n3, 4 ,z\r\n");
        Dataset data = DataSource.LoadDataset(path, task: ModelTask.Classification);
        Assert.Equal(new[] { "a,1", "b \"2\"" }, data.FeatureNames);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, data.X);
        Assert.Equal(new[] { "x\r\ny", "z" }, data.ClassNames);
        Assert.Equal(new[] { 0, 1 }, data.Labels);
    }

    [Fact]
    public void ReadsGzippedCsv()
    {
        string path = _dir.Write("g.csv.gz", IdxTests.Gzip(System.Text.Encoding.UTF8.GetBytes("a,y\n1,0\n2,1\n")));
        Dataset data = DataSource.LoadDataset(path);
        Assert.Equal(new float[] { 1, 2 }, data.X);
        Assert.Equal("g.csv.gz", data.Name);
    }

    [Fact]
    public void TargetByNameAndTaskDetection()
    {
        // Integer labels order numerically ("10" after "9"); text labels ordinally.
        string numeric = _dir.Write("n.csv", "label,x\n10,1\n9,2\n2,3\n9,4\n");
        Dataset a = DataSource.LoadDataset(numeric, target: "label");
        Assert.Equal(ModelTask.Classification, a.Task);
        Assert.Equal(new[] { "2", "9", "10" }, a.ClassNames);
        Assert.Equal(new[] { 2, 1, 0, 1 }, a.Labels);
        Assert.Equal(new[] { "x" }, a.FeatureNames);

        string text = _dir.Write("t.csv", "x,kind\n1,cat\n2,ant\n3,cat\n");
        Assert.Equal(new[] { "ant", "cat" }, DataSource.LoadDataset(text).ClassNames);

        // Fractions, or more distinct integers than a class list plausibly has, mean regression.
        string fractional = _dir.Write("f.csv", "x,y\n1,1.5\n2,2\n3,2\n");
        Assert.Equal(ModelTask.Regression, DataSource.LoadDataset(fractional).Task);
        string many = _dir.Write("m.csv", "x,y\n" + string.Concat(Enumerable.Range(0, 21).Select(i => i + "," + (i * 3) + "\n")));
        Assert.Equal(ModelTask.Regression, DataSource.LoadDataset(many).Task);
        Assert.Equal(ModelTask.Classification, DataSource.LoadDataset(many, task: ModelTask.Classification).Task);
    }

    public static TheoryData<string, string, int, string?, string> Malformed() => new()
    {
        // file text, file name, line, column, words the reason must contain
        { "a,b,y\n1,2,0\n1,2\n", "fields.csv", 3, null, "expected 3 fields" },
        { "a,b,y\n1,2,0\n1,x,1\n", "number.csv", 3, "b", "\"x\" is not a number" },
        { "a,b,y\n1,2,0\n1,,1\n", "empty.csv", 3, "b", "empty value" },
        { "a,b,y\n1,2,0\n1,2, \n", "target.csv", 3, "y", "missing target" },
        { "a,b,y\n1,2,0\n1,\"2,1\n", "quote.csv", 3, null, "never closed" },
        { "a,b,y\n1,2\"3,0\n", "inner.csv", 2, null, "quote inside unquoted field" },
        { "a,b,y\n\"1\"x,2,0\n", "after.csv", 2, null, "after the closing quote" },
        { "a,a,y\n1,2,0\n", "dup.csv", 1, "a", "two columns are named" },
        { "a,,y\n1,2,0\n", "noname.csv", 1, null, "column 2 of the header has no name" },
        { "a,b,y\n1,1e39,0\n", "range.csv", 2, "b", "not a finite 32-bit number" },
        { "a,b,y\n1,NaN,0\n", "nan.csv", 2, "b", "not a finite 32-bit number" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedRowsNameFileLineAndColumn(string text, string name, int line, string? column, string reason)
    {
        string path = _dir.Write(name, text);
        var e = Assert.Throws<DataFormatException>(() => DataSource.LoadDataset(path));
        Assert.Equal(path, e.File);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(reason, e.Message);
        Assert.StartsWith(path + ", line " + line, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void WholeFileProblems()
    {
        Assert.Contains("empty", Assert.Throws<DataFormatException>(() => DataSource.LoadDataset(_dir.Write("e.csv", ""))).Message);
        Assert.Contains("no data rows", Assert.Throws<DataFormatException>(() => DataSource.LoadDataset(_dir.Write("h.csv", "a,y\n"))).Message);
        Assert.Contains("at least one feature", Assert.Throws<DataFormatException>(() => DataSource.LoadDataset(_dir.Write("one.csv", "y\n1\n"))).Message);
        var e = Assert.Throws<DataFormatException>(() => DataSource.LoadDataset(_dir.Write("t.csv", "a,y\n1,2\n"), target: "mpg"));
        Assert.Equal(1, e.Line);
        Assert.Contains("no column is named \"mpg\" (the columns are a, y)", e.Message);
        var r = Assert.Throws<DataFormatException>(() => DataSource.LoadDataset(_dir.Write("r.csv", "a,y\n1,2\n2,cat\n"), task: ModelTask.Regression));
        Assert.Equal((3L, "y"), (r.Line!.Value, r.Column));
        Assert.Contains("\"cat\" is not a number", r.Message);
    }

    [Fact]
    public void SeparateTestFileUsesTheTrainingColumnsAndClasses()
    {
        string train = _dir.Write("train.csv", "a,b,label\n1,2,3\n2,3,1\n3,4,3\n");
        string test = _dir.Write("test.csv", "b,label,a\n5,3.0,6\n7,1,8\n");
        DataSplit split = DataSource.Load(new DataOptions(train, TestData: test));
        Assert.Equal(new[] { "1", "3" }, split.Test.ClassNames);
        Assert.Equal(new[] { 1, 0 }, split.Test.Labels);
        Assert.Equal(new float[] { 6, 5, 8, 7 }, split.Test.X);

        string unseen = _dir.Write("unseen.csv", "a,b,label\n1,2,3\n1,2,7\n");
        var e = Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(train, TestData: unseen)));
        Assert.Equal((unseen, 3L, "label"), (e.File, e.Line!.Value, e.Column));
        Assert.Contains("class \"7\" does not occur in the training data", e.Message);

        string missing = _dir.Write("missing.csv", "a,label\n1,3\n");
        Assert.Contains("no column \"b\"", Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(train, TestData: missing))).Message);
        string extra = _dir.Write("extra.csv", "a,b,c,label\n1,2,3,3\n");
        Assert.Equal("c", Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(train, TestData: extra))).Column);
    }

    [Fact]
    public void BundledDatasets()
    {
        Dataset digits = DataSource.LoadDataset("digits");
        Assert.Equal(("digits", 1797, 64, 10), (digits.Name, digits.Rows, digits.Features, digits.ClassNames!.Count));
        Assert.Equal(ModelTask.Classification, digits.Task);
        Assert.InRange(digits.X.Max(), 16, 16);

        Dataset iris = DataSource.LoadDataset("iris");
        Assert.Equal((150, 4, 3), (iris.Rows, iris.Features, iris.ClassNames!.Count));

        Dataset mpg = DataSource.LoadDataset("auto-mpg");
        Assert.Equal((392, 8, ModelTask.Regression, "mpg"), (mpg.Rows, mpg.Features, mpg.Task, mpg.TargetName));
        Assert.Equal(18f, mpg.Targets![0]);
    }

    [Fact]
    public void UnknownNameListsTheBundledOnes()
    {
        var e = Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions("no-such-dataset")));
        Assert.Equal("no-such-dataset", e.File);
        Assert.Contains("digits, iris, auto-mpg", e.Message);
    }
}
