using Prunet.Pruning;

namespace Prunet.Tests;

public class SparsityScheduleTests
{
    [Fact]
    public void PolynomialScheduleFollowsZhuAndGuptasFormula()
    {
        // s_t = s_f + (s_i - s_f)(1 - (t - t0)/(nΔt))³ with t0 = 100, nΔt = 400, Δt = 100.
        var schedule = new PolynomialSchedule(0.1, 0.9, BeginStep: 100, EndStep: 500, Frequency: 100);
        Assert.Equal(0, schedule.SparsityAt(0));
        Assert.Equal(0, schedule.SparsityAt(99));
        Assert.Equal(0.1, schedule.SparsityAt(100), 12);
        Assert.Equal(0.9 - (0.8 * 0.421875), schedule.SparsityAt(200), 12); // (1 - 1/4)³
        Assert.Equal(0.9 - (0.8 * 0.125), schedule.SparsityAt(300), 12);    // (1 - 2/4)³
        Assert.Equal(0.9 - (0.8 * 0.015625), schedule.SparsityAt(400), 12); // (1 - 3/4)³
        Assert.Equal(0.9, schedule.SparsityAt(500), 12);
        Assert.Equal(0.9, schedule.SparsityAt(10_000), 12);
    }

    [Fact]
    public void PolynomialSchedulePrunesEveryFrequencyStepsAndAtTheEnd()
    {
        var schedule = new PolynomialSchedule(0, 0.8, BeginStep: 10, EndStep: 45, Frequency: 10);
        int[] steps = Enumerable.Range(0, 100).Where(schedule.PrunesAt).ToArray();
        Assert.Equal(new[] { 10, 20, 30, 40, 45 }, steps);
    }

    [Fact]
    public void SparsityNeverDecreases()
    {
        foreach (SparsitySchedule schedule in new SparsitySchedule[]
        {
            new PolynomialSchedule(0, 0.95, 0, 1000, 7),
            new PolynomialSchedule(0.5, 0.5, 3, 3, 1),
            new PolynomialSchedule(0.2, 0.98, 50, 60, 100, Exponent: 1),
            new IterativeSchedule(0.9, 0, 1000, 250),
            new IterativeSchedule(0.9, 0, 1001, 250),
        })
        {
            double previous = 0;
            for (int t = 0; t < 1200; t++)
            {
                double s = schedule.SparsityAt(t);
                Assert.True(s >= previous, $"{schedule}: sparsity fell from {previous} to {s} at step {t}");
                previous = s;
            }

            Assert.Equal(schedule.FinalSparsity, previous, 12);
            Assert.True(schedule.PrunesAt(schedule.EndStep));
        }
    }

    [Fact]
    public void IterativeRoundsRemoveTheSameShareOfWhatRemains()
    {
        // Four rounds to 0.9375: each keeps half of what was left (1, 1/2, 1/4, 1/8, 1/16).
        var schedule = new IterativeSchedule(0.9375, BeginStep: 0, EndStep: 300, Frequency: 100);
        Assert.Equal(4, schedule.Rounds);
        Assert.Equal(new[] { 0, 100, 200, 300 }, Enumerable.Range(0, 400).Where(schedule.PrunesAt).ToArray());
        Assert.Equal(0.5, schedule.SparsityAt(0), 12);
        Assert.Equal(0.75, schedule.SparsityAt(199), 12);
        Assert.Equal(0.875, schedule.SparsityAt(200), 12);
        Assert.Equal(0.9375, schedule.SparsityAt(300), 12);
    }

    [Theory]
    [InlineData(0.5, 0.4, 0, 10, 1)]  // initial above final: weights would come back
    [InlineData(0.0, 1.5, 0, 10, 1)]
    [InlineData(0.0, 0.5, 10, 5, 1)]  // ends before it begins
    [InlineData(0.0, 0.5, -1, 5, 1)]
    [InlineData(0.0, 0.5, 0, 5, 0)]
    public void RejectsSchedulesThatCannotBeFollowed(double initial, double final, int begin, int end, int frequency)
    {
        var pruning = new GradualPruning(new PolynomialSchedule(initial, final, begin, end, frequency), new MagnitudePruningOptions());
        Assert.Throws<ArgumentException>(pruning.Validate);
    }

    [Theory]
    [InlineData(-1, 5, 1, "BeginStep")]
    [InlineData(10, 5, 1, "EndStep")]
    [InlineData(0, 5, 0, "Frequency")]
    public void TimingErrorsNameTheScheduleParameter(int begin, int end, int frequency, string parameter)
    {
        // The library speaks in its own parameters; the command line checks first, in its options' names.
        foreach (SparsitySchedule schedule in new SparsitySchedule[] { new PolynomialSchedule(0, 0.5, begin, end, frequency), new IterativeSchedule(0.5, begin, end, frequency) })
        {
            var error = Assert.Throws<ArgumentException>(new GradualPruning(schedule, new MagnitudePruningOptions()).Validate);
            Assert.Equal(parameter, error.ParamName);
            Assert.StartsWith(parameter + " ", error.Message);
        }
    }
}
