namespace Prunet.Training;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014):
/// a tiny generator whose output is fixed by its definition, unlike <see cref="System.Random"/>,
/// whose algorithm may change between runtimes. Splits, initial weights and shuffles must be the
/// same on every runtime so that a seed names one model and one test set.
/// </summary>
internal sealed class SplitMix64
{
    private ulong _state;

    /// <summary>A generator for one purpose (a split, weight initialisation, shuffling) of one seed.</summary>
    /// <param name="seed">The user's seed.</param>
    /// <param name="stream">
    /// Which purpose: different streams of one seed are unrelated, so that for example the test
    /// split does not change when the training seed does.
    /// </param>
    public SplitMix64(long seed, ulong stream)
    {
        _state = Mix(unchecked((ulong)seed) ^ Mix(stream + 0x9E3779B97F4A7C15UL));
    }

    private SplitMix64(ulong state)
    {
        _state = state;
    }

    /// <summary>The generator in a given raw state (for checking it against published outputs).</summary>
    internal static SplitMix64 FromState(ulong state) => new(state);

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="count"/>) (Lemire's multiply-shift; bias below 2^-32).</summary>
    public int NextInt(int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "must be positive");
        }

        return (int)(((NextUInt64() >> 32) * (ulong)count) >> 32);
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

/// <summary>The streams of <see cref="SplitMix64"/>: one per use of randomness.</summary>
internal static class RandomStreams
{
    /// <summary>Which rows of a dataset are test rows (seeded by <c>DataOptions.SplitSeed</c>).</summary>
    public const ulong TestSplit = 1;

    /// <summary>Which training rows are held out for validation (seeded by <c>TrainingOptions.Seed</c>).</summary>
    public const ulong ValidationSplit = 2;

    /// <summary>Initial weights.</summary>
    public const ulong Initialisation = 3;

    /// <summary>The order of rows in each epoch.</summary>
    public const ulong Shuffle = 4;
}
