using Prunet.Data;
using Prunet.Training;

namespace Prunet.Tests;

public class SplitTests
{
    [Fact]
    public void StratifiedSplitKeepsEachClassShare()
    {
        Dataset digits = DataSource.LoadDataset("digits");
        DataSplit split = DataSource.Load(new DataOptions("digits", TestFraction: 0.25, SplitSeed: 3));
        for (int c = 0; c < 10; c++)
        {
            int all = digits.Labels!.Count(l => l == c);
            int test = split.Test.Labels!.Count(l => l == c);
            Assert.Equal((int)Math.Round(all * 0.25, MidpointRounding.AwayFromZero), test);
            Assert.Equal(all - test, split.Train.Labels!.Count(l => l == c));
        }
    }

    [Fact]
    public void SplitsAreDisjointAndComplete()
    {
        foreach (string name in new[] { "digits", "auto-mpg" })
        {
            Dataset data = DataSource.LoadDataset(name);
            (int[] kept, int[] held) = DataSplitter.Split(data, 0.2, 11, RandomStreams.TestSplit);
            Assert.Empty(kept.Intersect(held));
            Assert.Equal(Enumerable.Range(0, data.Rows), kept.Concat(held).Order());
            Assert.Equal((int)Math.Round(data.Rows * 0.2), held.Length, 10.0);

            // The datasets DataSource returns hold exactly those rows.
            DataSplit split = DataSource.Load(new DataOptions(name, SplitSeed: 11));
            Assert.Equal(data.Subset(held).X, split.Test.X);
            Assert.Equal(data.Subset(kept).X, split.Train.X);
        }
    }

    [Fact]
    public void SplitSeedAloneDecidesTheTestRows()
    {
        DataSplit a = DataSource.Load(new DataOptions("auto-mpg", SplitSeed: 5));
        DataSplit b = DataSource.Load(new DataOptions("auto-mpg", SplitSeed: 5));
        DataSplit c = DataSource.Load(new DataOptions("auto-mpg", SplitSeed: 6));
        Assert.Equal(a.Test.X, b.Test.X);
        Assert.Equal(a.Test.Targets, b.Test.Targets);
        Assert.NotEqual(a.Test.X, c.Test.X);
    }

    [Fact]
    public void TrainingSeedDoesNotMoveTestRows()
    {
        // The test split and the trainer's validation split are different streams: the training seed
        // changes which rows validate, never which rows test.
        Dataset data = DataSource.LoadDataset("iris");
        (_, int[] test) = DataSplitter.Split(data, 0.2, 0, RandomStreams.TestSplit);
        foreach (int trainingSeed in new[] { 0, 1, 2 })
        {
            DataSplit split = DataSource.Load(new DataOptions("iris"));
            ModelTrainer.Train(split.Train, new TrainingOptions(new[] { 4 }, Epochs: 1, Seed: trainingSeed));
            Assert.Equal(data.Subset(test).X, DataSource.Load(new DataOptions("iris")).Test.X);
        }

        (_, int[] validation0) = DataSplitter.Split(data, 0.2, 0, RandomStreams.ValidationSplit);
        (_, int[] validation1) = DataSplitter.Split(data, 0.2, 1, RandomStreams.ValidationSplit);
        Assert.NotEqual(validation0, validation1);
        Assert.NotEqual(test, validation0);
    }

    [Fact]
    public void EveryClassKeepsATrainingRow()
    {
        var x = new float[] { 1, 2, 3, 4, 5 };
        Dataset data = Dataset.ForClassification("tiny", x, new[] { "x" }, new[] { 0, 0, 0, 0, 1 }, new[] { "a", "b" }, "y");
        (int[] kept, int[] held) = DataSplitter.Split(data, 0.9, 0, RandomStreams.TestSplit);
        Assert.Contains(4, kept);
        Assert.Equal(3, held.Length);
    }

    [Fact]
    public void FractionOutOfRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSource.Load(new DataOptions("iris", TestFraction: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSource.Load(new DataOptions("iris", TestFraction: -0.1)));
    }

    [Fact]
    public void SplitMix64MatchesItsPublishedOutput()
    {
        // The reference implementation's outputs from state 1234567 (Vigna's splitmix64.c): the
        // generator must not drift, or every seed would name a different split.
        SplitMix64 random = SplitMix64.FromState(1234567);
        Assert.Equal(6457827717110365317UL, random.NextUInt64());
        Assert.Equal(3203168211198807973UL, random.NextUInt64());
        Assert.Equal(9817491932198370423UL, random.NextUInt64());
    }
}
