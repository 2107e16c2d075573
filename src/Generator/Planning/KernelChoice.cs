using System.Globalization;

namespace Prunet.Generator.Planning;

/// <summary>The kernel the user asked for in <c>[PrunedNetwork(..., Kernel = ...)]</c>; the values of <c>PrunedNetworkKernel</c>.</summary>
internal enum KernelRequest
{
    Auto = 0,
    Unrolled = 1,
    SparseRows = 2,
    DenseSimd = 3,
}

/// <summary>
/// Chooses the kernel of each layer. The rule (docs/generator.md, "Kernel choice"):
/// <list type="number">
/// <item>At most <see cref="AutoUnrollWeights"/> nonzero weights: <see cref="LayerKernel.Unrolled"/>.
/// Straight-line code has no loads of weights or indices and no loop overhead, and that many
/// statements compile quickly.</item>
/// <item>Otherwise, no weight of the computed layer is zero (a dense layer): <see cref="LayerKernel.DenseSimd"/>.</item>
/// <item>Otherwise <see cref="LayerKernel.SparseRows"/>: only nonzero weights are stored and touched.</item>
/// </list>
/// Auto never emits a pruned weight, not even as a zero in a table: that is the generator's
/// promise. It costs speed in the middle range: on a 784→300 layer (AMD EPYC, AVX2+FMA, .NET 10)
/// SparseRows took 5.8 µs at 5% density, 11 µs at 10%, 20 µs at 15%, 23 µs at 20%, 31 µs at 25%,
/// while DenseSimd, which streams every weight, zeros included, took 18–21 µs at any density.
/// <c>Kernel = PrunedNetworkKernel.DenseSimd</c> buys that speed knowingly; block pruning gives
/// SIMD without zeros.
/// A forced kernel applies to every layer, except that Unrolled falls back to SparseRows (with
/// warning PRN011) on layers above <see cref="MaxUnrolledWeights"/> or rows above
/// <see cref="MaxUnrolledRow"/>: a fully unrolled 784→300 layer was measured at 200–450 ms of
/// JIT time and 4× slower than a plain sparse loop.
/// </summary>
internal static class KernelChoice
{
    /// <summary>Auto unrolls layers with at most this many nonzero weights.</summary>
    public const int AutoUnrollWeights = 256;

    /// <summary>A forced Unrolled layer may have at most this many nonzero weights.</summary>
    public const int MaxUnrolledWeights = 4096;

    /// <summary>
    /// Terms per generated method of an unrolled layer, and so the longest row that can be
    /// unrolled: about 20 bytes of IL per term keeps a method near 20 KB, far from the JIT's
    /// 60,000-byte limit beyond which it stops optimising.
    /// </summary>
    public const int MaxUnrolledRow = 1024;

    public static (LayerKernel Kernel, string Reason, bool Refused) Choose(KernelRequest request, int nonzeros, int longestRow, double density)
    {
        string counts = nonzeros.ToString(CultureInfo.InvariantCulture) + " nonzero weights";
        string dens = (density * 100).ToString("0.#", CultureInfo.InvariantCulture) + "% dense";
        switch (request)
        {
            case KernelRequest.Unrolled:
                return nonzeros <= MaxUnrolledWeights && longestRow <= MaxUnrolledRow
                    ? (LayerKernel.Unrolled, "requested by Kernel or PrunetDefaultKernel", false)
                    : (LayerKernel.SparseRows, "Unrolled was asked for, but " + counts + " are too many to unroll", true);
            case KernelRequest.SparseRows:
                return (LayerKernel.SparseRows, "requested by Kernel or PrunetDefaultKernel", false);
            case KernelRequest.DenseSimd:
                return (LayerKernel.DenseSimd, "requested by Kernel or PrunetDefaultKernel", false);
            default:
                if (nonzeros <= AutoUnrollWeights)
                {
                    return (LayerKernel.Unrolled, "Auto: " + counts + ", at most " + AutoUnrollWeights, false);
                }

                return density >= 1.0
                    ? (LayerKernel.DenseSimd, "Auto: " + dens + ", no pruned weight to store", false)
                    : (LayerKernel.SparseRows, "Auto: " + dens + ", only nonzero weights stored", false);
        }
    }
}
