using Prunet.Data;
using Prunet.Training;

namespace Prunet.Tests;

public class EvaluatorTests
{
    [Fact]
    public void RegressionMetricsFollowTheirDefinitions()
    {
        // y = 2 x0 - x1 + 1, then postprocessing y * 3 + 4.
        var model = new PrunedModel(
            ModelTask.Regression,
            new[] { new DenseLayer(2, 1, Activation.Linear, new float[] { 2, -1 }, new float[] { 1 }) },
            postprocessing: new OutputPostprocessing(new float[] { 3 }, new float[] { 4 }));
        float[] x = { 1, 0, 0, 1, 2, 2, -1, 3 };
        float[] targets = { 12, 5, 10, -11 };
        Metrics metrics = Evaluator.Evaluate(model, Dataset.ForRegression("r", x, new[] { "x0", "x1" }, targets, "y"));

        double[] predictions = { 13, 4, 13, -8 };
        double[] errors = predictions.Zip(targets, (p, t) => p - t).ToArray();
        double mean = targets.Average(t => (double)t);
        Assert.Equal(4, metrics.Rows);
        Assert.Null(metrics.Accuracy);
        Assert.Equal(errors.Average(e => e * e), metrics.Mse!.Value, 10);
        Assert.Equal(errors.Average(Math.Abs), metrics.Mae!.Value, 10);
        Assert.Equal(1 - (errors.Sum(e => e * e) / targets.Sum(t => (t - mean) * (t - mean))), metrics.R2!.Value, 10);
    }

    [Fact]
    public void AccuracyCountsArgmaxHits()
    {
        // Output j = x_j: the predicted class is the largest feature.
        var model = new PrunedModel(
            ModelTask.Classification,
            new[] { new DenseLayer(3, 3, Activation.Softmax, new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new float[3]) });
        float[] x = { 5, 1, 1, 1, 5, 1, 1, 1, 5, 5, 1, 1, 1, 1, 5 };
        int[] labels = { 0, 1, 2, 1, 0 };
        Metrics metrics = Evaluator.Evaluate(model, Dataset.ForClassification("c", x, new[] { "a", "b", "c" }, labels, new[] { "p", "q", "r" }, "y"));
        Assert.Equal(3.0 / 5, metrics.Accuracy);
        Assert.Null(metrics.Mse);
    }

    [Fact]
    public void LargeDataIsEvaluatedLikeRowByRow()
    {
        // Chunks run in parallel; the result must equal a plain loop over PredictClass.
        DataSplit split = DataSource.Load(new DataOptions("digits", TestFraction: 0.5));
        PrunedModel model = ModelTrainer.Train(split.Train, new TrainingOptions(new[] { 16 }, Epochs: 2));
        int correct = Enumerable.Range(0, split.Test.Rows).Count(r => model.PredictClass(split.Test.Row(r)) == split.Test.Labels![r]);
        Assert.Equal((double)correct / split.Test.Rows, Evaluator.Evaluate(model, split.Test).Accuracy);
    }

    [Fact]
    public void EmptyDataHasNoMetrics()
    {
        var model = new PrunedModel(ModelTask.Regression, new[] { new DenseLayer(1, 1, Activation.Linear, new float[] { 1 }, new float[1]) });
        Assert.Equal(new Metrics(0, null, null, null, null), Evaluator.Evaluate(model, Dataset.ForRegression("e", Array.Empty<float>(), new[] { "x" }, Array.Empty<float>(), "y")));
    }

    [Fact]
    public void MismatchedDataIsRefused()
    {
        var model = new PrunedModel(ModelTask.Regression, new[] { new DenseLayer(1, 1, Activation.Linear, new float[] { 1 }, new float[1]) });
        Dataset classes = Dataset.ForClassification("c", new float[] { 1, 2 }, new[] { "x" }, new[] { 0, 1 }, new[] { "a", "b" }, "y");
        Assert.Contains("regression model", Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(model, classes)).Message);
    }
}
