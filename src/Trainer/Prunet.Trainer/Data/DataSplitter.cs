using Prunet.Training;

namespace Prunet.Data;

/// <summary>
/// Splits a dataset's rows in two (train/test, or fit/validation). The split depends only on the
/// data, the fraction and the seed, so that separate runs (train, then prune, then eval) that
/// load the same data with the same seed hold out the same rows.
/// </summary>
internal static class DataSplitter
{
    /// <summary>
    /// Row indices, each ascending: <paramref name="fraction"/> of the rows held out, stratified by
    /// class for classification (each class contributes its own share, rounded, and keeps at least
    /// one row on the kept side), a plain random sample for regression.
    /// </summary>
    public static (int[] Kept, int[] HeldOut) Split(Dataset data, double fraction, long seed, ulong stream)
    {
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the fraction held out must be in [0, 1)");
        }

        var random = new SplitMix64(seed, stream);
        var heldOut = new List<int>();
        if (data.Task == ModelTask.Classification)
        {
            // Rows of each class in file order, then one shuffle per class, classes in index order.
            var byClass = new List<int>[data.ClassNames!.Count];
            for (int c = 0; c < byClass.Length; c++)
            {
                byClass[c] = new List<int>();
            }

            for (int r = 0; r < data.Rows; r++)
            {
                byClass[data.Labels![r]].Add(r);
            }

            foreach (List<int> rows in byClass)
            {
                heldOut.AddRange(Sample(rows.ToArray(), HeldOutCount(rows.Count, fraction, keepOne: true), random));
            }
        }
        else
        {
            int[] rows = Enumerable.Range(0, data.Rows).ToArray();
            heldOut.AddRange(Sample(rows, HeldOutCount(rows.Length, fraction, keepOne: false), random));
        }

        var isHeldOut = new bool[data.Rows];
        foreach (int r in heldOut)
        {
            isHeldOut[r] = true;
        }

        int[] kept = Enumerable.Range(0, data.Rows).Where(r => !isHeldOut[r]).ToArray();
        int[] held = Enumerable.Range(0, data.Rows).Where(r => isHeldOut[r]).ToArray();
        return (kept, held);
    }

    private static int HeldOutCount(int rows, double fraction, bool keepOne)
    {
        int count = (int)Math.Round(rows * fraction, MidpointRounding.AwayFromZero);
        return keepOne ? Math.Min(count, rows - 1) : count;
    }

    // The first `count` rows of a shuffle.
    private static IEnumerable<int> Sample(int[] rows, int count, SplitMix64 random)
    {
        random.Shuffle(rows.AsSpan());
        return rows.Take(Math.Max(0, count));
    }
}
