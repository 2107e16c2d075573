using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prunet.Training;

/// <summary>
/// Which weights of a layer are pruned, as bits to AND with: all ones keeps a value, all zeros
/// turns it into +0 exactly (a multiply by 0 would give -0 for negative values, which a model file
/// would then print as "-0").
/// </summary>
internal sealed class PruningMask
{
    private readonly int[] _bits;

    private PruningMask(int[] bits, int pruned)
    {
        _bits = bits;
        PrunedCount = pruned;
    }

    /// <summary>Number of weights held at zero.</summary>
    public int PrunedCount { get; }

    /// <summary>The mask of a pruned layer: its zero weights stay zero. Null when nothing is pruned.</summary>
    public static PruningMask? FromZeros(ReadOnlySpan<float> weights)
    {
        var bits = new int[weights.Length];
        int pruned = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            bits[i] = weights[i] == 0f ? 0 : -1;
            pruned += weights[i] == 0f ? 1 : 0;
        }

        return pruned == 0 ? null : new PruningMask(bits, pruned);
    }

    /// <summary>
    /// Sets every pruned entry of <paramref name="values"/> (weights, their gradient or optimizer
    /// state, or the part of them from index <paramref name="start"/> on) to +0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(Span<float> values, int start = 0)
    {
        Span<int> data = MemoryMarshal.Cast<float, int>(values);
        ReadOnlySpan<int> bits = _bits.AsSpan(start, values.Length);
        int i = 0;
        for (; i <= data.Length - Vector<int>.Count; i += Vector<int>.Count)
        {
            (new Vector<int>(data.Slice(i)) & new Vector<int>(bits.Slice(i))).CopyTo(data.Slice(i));
        }

        for (; i < data.Length; i++)
        {
            data[i] &= bits[i];
        }
    }
}
