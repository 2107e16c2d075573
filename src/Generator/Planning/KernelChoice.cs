using System;
using System.Globalization;

namespace Prunet.Generator.Planning;

/// <summary>The kernel the user asked for in <c>[PrunedNetwork(..., Kernel = ...)]</c>; the values of <c>PrunedNetworkKernel</c>.</summary>
internal enum KernelRequest
{
    Auto = 0,
    Unrolled = 1,
    SparseRows = 2,
    DenseSimd = 3,
    BlockSparse = 4,
    SparseColumns = 5,
    SparseWindows = 6,
}

/// <summary>
/// Chooses the kernel of each layer. Auto estimates each kernel's cost in CPU cycles from the
/// layer's counts (<see cref="Cost"/>, the cost model of docs/performance.md, fitted to
/// BenchmarkDotNet runs on an AVX2+FMA core) and takes the cheapest among the kernels that
/// store no pruned weight:
/// <list type="bullet">
/// <item><see cref="LayerKernel.Unrolled"/> only for at most <see cref="AutoUnrollWeights"/>
/// nonzero weights (straight-line code costs JIT time and code size per weight);</item>
/// <item><see cref="LayerKernel.DenseSimd"/> only when no weight of the computed layer is zero;</item>
/// <item><see cref="LayerKernel.BlockSparse"/> only when every kept block of eight outputs is
/// full (a layer pruned in blocks of 8, <c>blockSize</c> in the model file, or one whose zeros
/// happen to fall that way);</item>
/// <item><see cref="LayerKernel.SparseColumns"/> only when the layer's inputs are ReLU outputs,
/// about half of them exactly zero at run time;</item>
/// <item><see cref="LayerKernel.SparseWindows"/> when the layer has a whole block of eight
/// outputs and at least eight inputs;</item>
/// <item><see cref="LayerKernel.SparseRows"/> always.</item>
/// </list>
/// Auto never emits a pruned weight, not even as a zero in a table: the zeros of SparseWindows
/// are padding lanes (an output with no weight in a step's window), not pruned weights' places,
/// and each nonzero weight is stored once. A forced kernel applies to
/// every layer and may store zeros (DenseSimd, BlockSparse), except that Unrolled falls back to
/// SparseRows (warning PRN011) on layers above <see cref="MaxUnrolledWeights"/> or rows above
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

    /// <summary>
    /// A network with at most this many multiply-adds may be one straight-line method
    /// (<see cref="NetworkPlan.StraightLine"/>): 64-32-10 dense (2,368) fits, as vectors.
    /// </summary>
    public const int StraightLineMultiplyAdds = 2560;

    /// <summary>
    /// The most unrolled terms one straight-line method may have. Beyond about a thousand the JIT
    /// stops optimising a method (its limits on local-variable references and instructions):
    /// 64-32-10 dense as 2,368 straight-line terms ran 4.3 µs, against 0.13 µs as vectors and
    /// 0.3 µs for the digits sample's 947 terms. A straight-line network whose scalar twin would
    /// be longer gets one method per layer for CPUs without 256-bit vectors instead.
    /// </summary>
    public const int StraightLineTerms = 1024;

    /// <summary>
    /// And at most this many inputs and neurons in all: each is a local, and the JIT tracks (keeps
    /// in registers or well-placed stack slots) only its first 1,024 locals.
    /// </summary>
    public const int StraightLineWidth = 256;

    /// <summary>Fraction of inputs assumed exactly zero after a ReLU (the cost model's guess; measured 0.4–0.7 on Fashion-MNIST).</summary>
    public const double ReluZeroFraction = 0.5;

    public static (LayerKernel Kernel, string Reason, bool Refused) Choose(KernelRequest request, LayerPlan layer, bool inputsOftenZero, bool straightLine = false, bool fromProject = false)
    {
        // Which setting forced the kernel, for the comment above the layer.
        string requested = fromProject ? "PrunetDefaultKernel = " + request + " in the project" : "Kernel = PrunedNetworkKernel." + request + " on the attribute";
        switch (request)
        {
            case KernelRequest.Unrolled:
                return layer.Nonzeros <= MaxUnrolledWeights && layer.LongestRow <= MaxUnrolledRow
                    ? (LayerKernel.Unrolled, requested, false)
                    : (LayerKernel.SparseRows, "Unrolled was asked for, but " + (layer.Nonzeros > MaxUnrolledWeights
                        ? Count(layer.Nonzeros) + " nonzero weights are more than the " + Count(MaxUnrolledWeights) + " that are unrolled"
                        : "its longest row has " + Count(layer.LongestRow) + " nonzero weights, more than the " + Count(MaxUnrolledRow) + " a row may have to be unrolled"), true);
            case KernelRequest.SparseRows:
                return (LayerKernel.SparseRows, requested, false);
            case KernelRequest.DenseSimd:
                return (LayerKernel.DenseSimd, requested, false);
            case KernelRequest.BlockSparse:
                return (LayerKernel.BlockSparse, requested, false);
            case KernelRequest.SparseColumns:
                return (LayerKernel.SparseColumns, requested, false);
            case KernelRequest.SparseWindows:
                return layer.Windows.Blocks > 0
                    ? (LayerKernel.SparseWindows, requested, false)
                    : (LayerKernel.SparseRows, "SparseWindows was asked for, but a window needs at least 8 inputs and a block 8 outputs, and this layer has " + Count(layer.InputSpan) + " → " + Count(layer.Outputs), false);
        }

        // Straight-line code has two kernels: unrolled terms over locals (any layer of a small
        // network, so any size up to StraightLineMultiplyAdds) and vectors of eight outputs.
        LayerKernel best = straightLine ? LayerKernel.Unrolled : LayerKernel.SparseRows;
        double bestCost = Cost(best, layer, inputsOftenZero);
        LayerKernel[] candidates = straightLine
            ? new[] { LayerKernel.DenseSimd }
            : new[] { LayerKernel.Unrolled, LayerKernel.DenseSimd, LayerKernel.BlockSparse, LayerKernel.SparseWindows, LayerKernel.SparseColumns };
        foreach (LayerKernel candidate in candidates)
        {
            if (!Admissible(candidate, layer, inputsOftenZero))
            {
                continue;
            }

            double cost = Cost(candidate, layer, inputsOftenZero);
            if (cost < bestCost)
            {
                best = candidate;
                bestCost = cost;
            }
        }

        return (best, "Auto: " + Describe(best, layer, straightLine) + ", about " + Count((long)Math.Round(bestCost)) + " cycles", false);
    }

    /// <summary>Whether Auto may use the kernel on the layer: it must store no pruned weight (and unroll only small layers, and have a whole window for SparseWindows).</summary>
    public static bool Admissible(LayerKernel kernel, LayerPlan layer, bool inputsOftenZero) => kernel switch
    {
        LayerKernel.Unrolled => layer.Nonzeros <= AutoUnrollWeights,
        LayerKernel.DenseSimd => layer.Nonzeros == (long)layer.Inputs * layer.Outputs && layer.Outputs >= BlockStructure.Width,
        LayerKernel.BlockSparse => layer.Blocks.Aligned,
        LayerKernel.SparseColumns => inputsOftenZero,
        LayerKernel.SparseWindows => layer.Windows.Blocks > 0,
        _ => true,
    };

    /// <summary>
    /// Estimated cycles for one call of the layer on an AVX2+FMA core (two 256-bit FMA and three
    /// loads per cycle). Per nonzero weight: an unrolled term about 0.6 (two loads, a literal and
    /// an input, no index); a compressed row about 1 (three loads: weight, index, input); a
    /// compressed column about 1.5 per weight of a nonzero input (a load and a store of the output
    /// on top) plus about 8 per input for the test and its mispredictions (zeros after a ReLU
    /// follow no pattern a branch predictor can learn); a kept block of eight
    /// about 1 (the same three loads for eight multiply-adds); a dense block of eight about 0.6
    /// (four blocks share one broadcast). Plus a per-row or per-block overhead (loop, horizontal
    /// sum, activation). docs/performance.md has the measurements the constants come from.
    /// </summary>
    public static double Cost(LayerKernel kernel, LayerPlan layer, bool inputsOftenZero)
    {
        BlockStructure blocks = layer.Blocks;
        double zero = inputsOftenZero ? ReluZeroFraction : 0.0;
        switch (kernel)
        {
            case LayerKernel.Unrolled:
                return (0.6 * layer.Nonzeros) + (2.0 * layer.Outputs);
            case LayerKernel.DenseSimd:
                return (0.6 * blocks.Blocks * layer.Inputs) + (8.0 * blocks.Blocks) + (blocks.TailRows * ((0.7 * layer.Inputs / BlockStructure.Width) + 12.0));
            case LayerKernel.BlockSparse:
                return (1.0 * blocks.KeptBlocks) + (10.0 * blocks.Blocks) + (1.0 * blocks.TailNonzeros) + (6.0 * blocks.TailRows);
            case LayerKernel.SparseColumns:
                return (1.5 * (1.0 - zero) * layer.Nonzeros) + (8.0 * layer.Inputs) + (2.0 * layer.Outputs);
            case LayerKernel.SparseWindows:
                WindowStructure windows = layer.Windows;
                return (1.9 * windows.Steps) + (10.0 * windows.Blocks) + (1.0 * (layer.Nonzeros - windows.Nonzeros)) + (6.0 * (layer.Outputs - (windows.Blocks * WindowStructure.Width)));
            default:
                return (1.0 * layer.Nonzeros) + (6.0 * layer.Outputs);
        }
    }

    private static string Describe(LayerKernel kernel, LayerPlan layer, bool straightLine)
    {
        string nonzeros = Count(layer.Nonzeros) + " nonzero weights";
        switch (kernel)
        {
            case LayerKernel.Unrolled:
                return nonzeros + (straightLine ? ", a straight-line network" : ", at most " + AutoUnrollWeights + " unrolled");
            case LayerKernel.DenseSimd when straightLine:
                return "dense, " + Plural((layer.Outputs + BlockStructure.Width - 1) / BlockStructure.Width, "vector") + " of 8 outputs, a straight-line network";
            case LayerKernel.DenseSimd:
                return "dense, " + Plural(layer.Blocks.Blocks, "block") + " of 8 outputs" + (layer.Blocks.TailRows > 0 ? " and " + Plural(layer.Blocks.TailRows, "row") : string.Empty);
            case LayerKernel.BlockSparse:
                string hint = layer.Original.BlockSize >= BlockStructure.Width ? " (blockSize " + layer.Original.BlockSize + " in the model file)" : " (found in the weights)";
                return Count(layer.Blocks.KeptBlocks) + " of " + Count((long)layer.Blocks.Blocks * layer.Inputs) + " blocks of 8 outputs kept" + hint;
            case LayerKernel.SparseWindows:
                return nonzeros + " in " + Count(layer.Windows.Steps) + " steps of 8 lanes (" + Count(layer.Windows.PaddingLanes) + " padding)";
            case LayerKernel.SparseColumns:
                return nonzeros + ", inputs are ReLU outputs (about " + (ReluZeroFraction * 100).ToString("0", CultureInfo.InvariantCulture) + "% zero, skipped)";
            default:
                return nonzeros + " (" + (layer.Density * 100).ToString("0.#", CultureInfo.InvariantCulture) + "% dense)";
        }
    }

    private static string Count(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Plural(long value, string noun) => Count(value) + " " + noun + (value == 1 ? string.Empty : "s");
}
