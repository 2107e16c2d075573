using Prunet.Data;

namespace Prunet.Tests;

/// <summary>
/// A model's outputs stand for its classes: data loaded for a model has its labels matched to them
/// by name (for a model without labels, integer label k is output k), after the same test split.
/// </summary>
public sealed class ModelClassesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Csv(params string[] labels)
        => _dir.Write("data.csv", "x,label\n" + string.Join("\n", labels.Select((l, r) => r + "," + l)) + "\n");

    private static PrunedModel Classifier(int outputs, IReadOnlyList<string>? labels)
    {
        var layer = new DenseLayer(1, outputs, Activation.Softmax, new float[outputs], new float[outputs]);
        return new PrunedModel(ModelTask.Classification, new[] { layer }, labels: labels);
    }

    [Fact]
    public void AModelWithoutLabelsReadsIntegerLabelKAsOutputK()
    {
        // Only 3 of the model's 10 classes occur: by position they would be outputs 0, 1, 2.
        string file = Csv("2", "5", "7", "2", "5", "7", "2", "5", "7", "7");
        DataOptions options = new DataOptions(file, TestFraction: 0.3).ForModel(Classifier(10, null));
        DataSplit split = DataSource.Load(options);
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k.ToString()), split.Train.ClassNames);
        foreach (Dataset part in new[] { split.Train, split.Test })
        {
            for (int r = 0; r < part.Rows; r++)
            {
                int row = (int)part.Row(r)[0];
                Assert.Equal(new[] { 2, 5, 7, 2, 5, 7, 2, 5, 7, 7 }[row], part.Labels![r]);
            }
        }
    }

    [Fact]
    public void ALabelledModelOrdersTheClassesAndTheTestRowsStayTheSame()
    {
        string file = Csv("a", "b", "c", "a", "b", "c", "a", "b", "c", "a");
        DataSplit own = DataSource.Load(new DataOptions(file, TestFraction: 0.3));
        DataSplit forModel = DataSource.Load(new DataOptions(file, TestFraction: 0.3).ForModel(Classifier(3, new[] { "c", "a", "b" })));
        Assert.Equal(new[] { "c", "a", "b" }, forModel.Test.ClassNames);
        Assert.Equal(own.Test.X, forModel.Test.X);
        Assert.Equal(own.Test.Labels!.Select(l => own.Test.ClassNames![l]), forModel.Test.Labels!.Select(l => forModel.Test.ClassNames![l]));
    }

    [Fact]
    public void AClassTheModelDoesNotHaveIsAnErrorNamingIt()
    {
        string file = Csv("0", "1", "12", "0", "1", "12");
        var e = Assert.Throws<DataFormatException>(() => DataSource.Load(new DataOptions(file, TestFraction: 0.3).ForModel(Classifier(10, null))));
        Assert.Contains("class \"12\"", e.Message);
        Assert.Contains("0, 1, 2", e.Message);
    }

    [Fact]
    public void RegressionModelsLeaveTheDataAsItIs()
    {
        var model = new PrunedModel(ModelTask.Regression, new[] { new DenseLayer(1, 1, Activation.Linear, new float[1], new float[1]) });
        Assert.Null(DataOptions.ClassesOf(model));
    }
}
