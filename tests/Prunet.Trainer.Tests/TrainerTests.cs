using Prunet.Data;
using Prunet.Training;

namespace Prunet.Tests;

public class TrainerTests
{
    private static readonly TrainingOptions Small = new(new[] { 8 }, Epochs: 3, BatchSize: 16);

    [Fact]
    public void SameSeedSameBytesDifferentSeedDifferentBytes()
    {
        Dataset iris = DataSource.Load(new DataOptions("iris")).Train;
        string first = ModelTrainer.Train(iris, Small with { Seed = 1 }).ToJson();
        string again = ModelTrainer.Train(iris, Small with { Seed = 1 }).ToJson();
        string other = ModelTrainer.Train(iris, Small with { Seed = 2 }).ToJson();
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ThreadCountDoesNotChangeTheModel()
    {
        // Wide enough that the products are split across threads.
        Dataset digits = DataSource.Load(new DataOptions("digits")).Train;
        var options = new TrainingOptions(new[] { 96 }, Epochs: 2, BatchSize: 64);
        string one = ModelTrainer.Train(digits, options, null, new MatrixMultiply(MatrixMultiply.BestKernel, 1)).ToJson();
        string two = ModelTrainer.Train(digits, options, null, new MatrixMultiply(MatrixMultiply.BestKernel, 2)).ToJson();
        Assert.Equal(one, two);
    }

    [Fact]
    public void ScalarKernelTrainsTheSameNetwork()
    {
        // Only rounding (FMA, summation blocks) may differ between kernels.
        DataSplit split = DataSource.Load(new DataOptions("iris"));
        var options = new TrainingOptions(new[] { 8 }, Epochs: 30, BatchSize: 8);
        PrunedModel simd = ModelTrainer.Train(split.Train, options, null, MatrixMultiply.Default);
        PrunedModel scalar = ModelTrainer.Train(split.Train, options, null, new MatrixMultiply(GemmKernel.Scalar, 1));
        for (int k = 0; k < simd.Layers.Count; k++)
        {
            float[] a = simd.Layers[k].CopyWeights();
            float[] b = scalar.Layers[k].CopyWeights();
            Assert.All(Enumerable.Range(0, a.Length), i => Assert.Equal(a[i], b[i], 1e-3f));
        }
    }

    [Fact]
    public void ClassifierCarriesItsNamesScalingAndSoftmax()
    {
        Dataset train = Synthetic.Blobs(90, 4, 1);
        var options = new TrainingOptions(new[] { 5, 4 }, Activation.Tanh, Epochs: 2, ValidationFraction: 0.2, Seed: 3);
        PrunedModel model = ModelTrainer.Train(train, options);
        Assert.Equal(ModelTask.Classification, model.Task);
        Assert.Equal(new[] { 4, 5, 4 }, model.Layers.Select(l => l.InputSize));
        Assert.Equal(new[] { Activation.Tanh, Activation.Tanh, Activation.Softmax }, model.Layers.Select(l => l.Activation));
        Assert.Equal(new[] { "a", "b", "c" }, model.Labels);
        Assert.Equal(train.FeatureNames, model.InputNames);
        Assert.Null(model.Postprocessing);

        // Standardisation comes from the fitted rows only (validation rows excluded).
        (int[] fit, _) = DataSplitter.Split(train, 0.2, 3, RandomStreams.ValidationSplit);
        for (int i = 0; i < train.Features; i++)
        {
            double[] column = fit.Select(r => (double)train.X[(r * train.Features) + i]).ToArray();
            double mean = column.Average();
            double std = Math.Sqrt(column.Average(v => (v - mean) * (v - mean)));
            Assert.Equal(mean, model.Preprocessing!.Shift[i], 4);
            Assert.Equal(1 / std, model.Preprocessing.Scale[i], 3);
        }

        var training = (IReadOnlyDictionary<string, object?>)model.Provenance["training"]!;
        Assert.Equal("tanh", training["activation"]);
        Assert.Equal("blobs", model.Provenance["dataset"]);

        // Numbers read back as doubles, whatever type training wrote them in, and missing ones as null.
        Assert.Equal(3.0, ModelProvenance.Number(model, "training", "seed"));
        Assert.Equal(0.2, ModelProvenance.Number(model, "training", "validationFraction"));
        Assert.Equal(3.0, ModelProvenance.Number(PrunedModel.Parse(model.ToJson()), "training", "seed"));
        Assert.Null(ModelProvenance.Number(model, "training", "activation"));
        Assert.Null(ModelProvenance.Number(model, "data", "seed"));
        Assert.Null(ModelProvenance.Number(null, "training", "seed"));
    }

    [Fact]
    public void RegressionStandardisesTheTargetAndFitsALine()
    {
        Dataset train = Synthetic.Linear(400, 5);
        PrunedModel model = ModelTrainer.Train(train, new TrainingOptions(Array.Empty<int>(), Epochs: 60, LearningRate: 0.01f, ValidationFraction: 0));
        Assert.Equal(Activation.Linear, model.Layers.Single().Activation);
        double mean = train.Targets!.Average(t => (double)t);
        Assert.Equal(mean, model.Postprocessing!.Shift[0], 3);
        Assert.Equal(Math.Sqrt(train.Targets!.Average(t => (t - mean) * (t - mean))), model.Postprocessing.Scale[0], 3);

        // Features from 0..1 to 1000..1001 still train with one learning rate: the fit is near exact.
        Assert.True(Evaluator.Evaluate(model, Synthetic.Linear(100, 6)).R2 > 0.999);
    }

    [Fact]
    public void ConstantFeatureGetsScaleOne()
    {
        var x = new float[] { 5, 1, 5, 2, 5, 3, 5, 4 };
        Dataset data = Dataset.ForRegression("c", x, new[] { "constant", "varying" }, new float[] { 1, 2, 3, 4 }, "y");
        PrunedModel model = ModelTrainer.Train(data, new TrainingOptions(new[] { 2 }, Epochs: 1, ValidationFraction: 0));
        Assert.Equal((5f, 1f), (model.Preprocessing!.Shift[0], model.Preprocessing.Scale[0]));
    }

    [Fact]
    public void ReportsEveryEpoch()
    {
        var reports = new List<EpochReport>();
        ModelTrainer.Train(Synthetic.Blobs(60, 3, 2), Small with { Epochs = 4 }, new Collect(reports));
        Assert.Equal(new[] { 1, 2, 3, 4 }, reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(("accuracy", 4), (r.MetricName, r.Epochs)));
        Assert.All(reports, r => Assert.InRange(r.ValidationMetric, 0, 1));
        Assert.All(reports, r => Assert.True(r.TrainLoss > 0 && r.ValidationLoss > 0 && r.Seconds >= 0));

        reports.Clear();
        ModelTrainer.Train(Synthetic.Linear(60, 2), Small with { Epochs = 2 }, new Collect(reports));
        Assert.All(reports, r => Assert.Equal("r2", r.MetricName));
        Assert.True(reports[1].TrainLoss < reports[0].TrainLoss);
    }

    [Fact]
    public void EarlyStoppingRestoresTheBestValidationEpoch()
    {
        // A learning rate high enough to overshoot, so validation loss stops improving early.
        DataSplit split = DataSource.Load(new DataOptions("iris"));
        var options = new TrainingOptions(new[] { 16 }, Epochs: 300, BatchSize: 4, LearningRate: 0.05f, Patience: 3, ValidationFraction: 0.3, Seed: 4);
        var reports = new List<EpochReport>();
        PrunedModel model = ModelTrainer.Train(split.Train, options, new Collect(reports));
        Assert.True(reports.Count < options.Epochs, "training should have stopped early");
        int best = reports.Select((r, i) => (r.ValidationLoss, i)).Min().i;
        Assert.Equal(reports.Count - 1 - options.Patience, best);

        // The returned model's loss on the validation rows is the best epoch's, not the last one's.
        (_, int[] validation) = DataSplitter.Split(split.Train, 0.3, 4, RandomStreams.ValidationSplit);
        double loss = validation.Average(r =>
        {
            var p = new float[3];
            model.Predict(split.Train.Row(r), p);
            return -Math.Log(p[split.Train.Labels![r]]);
        });
        Assert.Equal(reports[best].ValidationLoss, loss, 3);
        Assert.NotEqual(reports[^1].ValidationLoss, loss, 3);
    }

    [Fact]
    public void BadOptionsAndDataAreRefusedByName()
    {
        Dataset iris = DataSource.LoadDataset("iris");
        Assert.Equal("Epochs", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(iris, Small with { Epochs = 0 })).ParamName);
        Assert.Equal("Hidden", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(iris, Small with { Hidden = new[] { 3, 0 } })).ParamName);
        Assert.Equal("Activation", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(iris, Small with { Activation = Activation.Softmax })).ParamName);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(iris, Small with { LearningRate = float.NaN })).ParamName);
        Assert.Equal("Momentum", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(iris, Small with { Momentum = 1 })).ParamName);
        Assert.Contains("needs validation rows", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(iris, Small with { Patience = 2, ValidationFraction = 0 })).Message);
        Dataset oneClass = Dataset.ForClassification("one", new float[] { 1, 2 }, new[] { "x" }, new[] { 0, 0 }, new[] { "only" }, "y");
        Assert.Contains("at least 2 classes", Assert.Throws<ArgumentException>(() => ModelTrainer.Train(oneClass, Small)).Message);
    }

    [Fact]
    public void DivergenceIsReported()
    {
        var options = new TrainingOptions(new[] { 8 }, Epochs: 50, Optimizer: OptimizerKind.Sgd, LearningRate: 1e6f, ValidationFraction: 0);
        var e = Assert.Throws<InvalidOperationException>(() => ModelTrainer.Train(Synthetic.Linear(100, 1), options));
        Assert.Contains("diverged", e.Message);
    }

    private sealed class Collect : IProgress<EpochReport>
    {
        private readonly List<EpochReport> _reports;

        public Collect(List<EpochReport> reports) => _reports = reports;

        public void Report(EpochReport value) => _reports.Add(value);
    }
}
