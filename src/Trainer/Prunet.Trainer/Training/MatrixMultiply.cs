using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Prunet.Training;

/// <summary>The inner kernel that computes one register tile of a matrix product.</summary>
internal enum GemmKernel
{
    /// <summary>Plain scalar multiply-adds: correct everywhere, slow.</summary>
    Scalar,

    /// <summary>Eight floats per register (AVX2; FMA when the processor has it).</summary>
    Vector256,

    /// <summary>Sixteen floats per register (AVX-512). Runs, slowly, in software elsewhere.</summary>
    Vector512,
}

/// <summary>
/// <c>C = op(A) · op(B)</c> (or <c>C += ...</c>) for row-major float matrices, where op is the
/// identity or a transpose: the three products of a dense layer's training step (forward
/// <c>X·Wᵀ</c>, input gradient <c>dZ·W</c>, weight gradient <c>dZᵀ·X</c>) without copying transposes.
/// </summary>
/// <remarks>
/// The loop nest is Goto/BLIS's (Goto and van de Geijn, "Anatomy of high-performance matrix
/// multiplication", 2008): a KC×NC panel of B is packed into contiguous, zero-padded KC×NR slivers,
/// and a kernel keeps an MR×NR tile of C in registers while it streams a sliver and MR rows of A.
/// Transposes are absorbed by packing (B) and by strides (A), so one kernel serves all products.
/// Every element of C is summed in one fixed order (K blocks ascending, k ascending within a
/// block) whatever the kernel is called from; threads split C into disjoint column (or row)
/// ranges, so the result does not depend on the number of threads.
/// </remarks>
internal sealed unsafe class MatrixMultiply
{
    /// <summary>Rows of C per register tile (all kernels).</summary>
    internal const int MR = 6;

    // KC×NR floats of B (16 KiB for NR = 16) stay in L1 while MR rows of A stream past; the MC×KC
    // block of A (120 KiB) stays in L2 across the slivers of B.
    private const int KC = 256;
    private const int MC = 120;
    private const int NC = 1024;

    // Below this many multiply-adds a second thread costs more than it saves.
    private const long ParallelThreshold = 1L << 18;

    private readonly int _nr;

    /// <summary>Creates a multiplier using <paramref name="kernel"/> and at most <paramref name="maxThreads"/> threads.</summary>
    public MatrixMultiply(GemmKernel kernel, int maxThreads)
    {
        if (maxThreads < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "at least one thread");
        }

        Kernel = kernel;
        MaxThreads = maxThreads;
        _nr = kernel == GemmKernel.Vector512 ? 32 : 16;
    }

    /// <summary>The fastest kernel this processor runs in hardware.</summary>
    public static GemmKernel BestKernel =>
        Vector512.IsHardwareAccelerated ? GemmKernel.Vector512
        : Vector256.IsHardwareAccelerated ? GemmKernel.Vector256
        : GemmKernel.Scalar;

    /// <summary>The best kernel on every core.</summary>
    public static MatrixMultiply Default { get; } = new(BestKernel, Environment.ProcessorCount);

    /// <summary>The tile kernel in use.</summary>
    public GemmKernel Kernel { get; }

    /// <summary>Largest number of threads one product uses.</summary>
    public int MaxThreads { get; }

    /// <summary>
    /// Computes <c>C (m×n) = op(A) (m×k) · op(B) (k×n)</c>, or adds it to C when
    /// <paramref name="accumulate"/>. A is stored row-major as m×k, or as k×m when
    /// <paramref name="transposeA"/>; B as k×n, or as n×k when <paramref name="transposeB"/>.
    /// </summary>
    public void Multiply(
        int m, int n, int k,
        ReadOnlySpan<float> a, bool transposeA,
        ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, bool accumulate)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), "matrix sizes must not be negative");
        }

        if (a.Length < (long)m * k || b.Length < (long)k * n || c.Length < (long)m * n)
        {
            throw new ArgumentException("a span is shorter than its matrix");
        }

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c.Slice(0, m * n).Clear();
            }

            return;
        }

        var product = new Product(m, n, k, transposeA, transposeB, accumulate);
        fixed (float* pa = a, pb = b, pc = c)
        {
            product.A = pa;
            product.B = pb;
            product.C = pc;
            int columnPanels = (n + _nr - 1) / _nr;
            int rowPanels = (m + MR - 1) / MR;
            int threads = (long)m * n * k < ParallelThreshold ? 1 : Math.Min(MaxThreads, Math.Max(columnPanels, rowPanels));
            if (threads == 1)
            {
                Compute(product, 0, m, 0, n);
                return;
            }

            // Split the longer side of C, in whole tiles, into one contiguous range per thread.
            bool splitColumns = columnPanels >= rowPanels || columnPanels >= 2 * threads;
            int panels = splitColumns ? columnPanels : rowPanels;
            int panelSize = splitColumns ? _nr : MR;
            threads = Math.Min(threads, panels);
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int first = panels * t / threads * panelSize;
                int last = panels * (t + 1) / threads * panelSize;
                if (splitColumns)
                {
                    Compute(product, 0, m, first, Math.Min(last, n));
                }
                else
                {
                    Compute(product, first, Math.Min(last, m), 0, n);
                }
            });
        }
    }

    // C[i0..i1, j0..j1]: the Goto loop nest, on one thread.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Compute(in Product p, int i0, int i1, int j0, int j1)
    {
        int nr = _nr;
        int ncMax = Math.Min(NC, RoundUp(j1 - j0, nr));
        int kcMax = Math.Min(KC, p.K);

        // A is read in place through its strides (element (i, q) at i*rowStride + q*colStride), so
        // threads that split C's columns do not each copy all of it; only B is packed.
        nint rowStride = p.TransposeA ? 1 : p.K;
        nint colStride = p.TransposeA ? p.M : 1;

        // A 64-byte aligned view of a pooled buffer, so that vector loads never straddle cache lines.
        float[] bBuffer = ArrayPool<float>.Shared.Rent((kcMax * ncMax) + 16);
        try
        {
            fixed (float* bRaw = bBuffer)
            {
                float* bPacked = Align64(bRaw);
                // Equal K blocks (784 = 4 × 196, not 3 × 256 + 16): a short last block pays the
                // tile's load and store of C for little work.
                int kBlock = (p.K + ((p.K + KC - 1) / KC) - 1) / ((p.K + KC - 1) / KC);
                for (int jc = j0; jc < j1; jc += NC)
                {
                    int nc = Math.Min(NC, j1 - jc);
                    for (int pc = 0; pc < p.K; pc += kBlock)
                    {
                        int kc = Math.Min(kBlock, p.K - pc);
                        bool add = p.Accumulate || pc > 0;
                        PackB(p, pc, kc, jc, nc, nr, bPacked);
                        for (int ic = i0; ic < i1; ic += MC)
                        {
                            int mc = Math.Min(MC, i1 - ic);
                            for (int jr = 0; jr < nc; jr += nr)
                            {
                                float* bPanel = bPacked + (jr * kc);
                                int cols = Math.Min(nr, nc - jr);
                                for (int ir = 0; ir < mc; ir += MR)
                                {
                                    float* aTile = p.A + ((ic + ir) * rowStride) + (pc * colStride);
                                    float* cTile = p.C + ((long)(ic + ir) * p.N) + jc + jr;
                                    Tile(kc, aTile, rowStride, colStride, bPanel, cTile, p.N, Math.Min(MR, mc - ir), cols, add);
                                }
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(bBuffer);
        }
    }

    // One MR×NR tile of C from MR rows of A (read through its strides) and a packed kc×NR sliver of B.
    private void Tile(int kc, float* a, nint rowStride, nint colStride, float* b, float* c, int ldc, int rows, int cols, bool add)
    {
        switch (Kernel)
        {
            case GemmKernel.Vector256:
                TileKernels.Vector256Tile(kc, a, rowStride, colStride, b, c, ldc, rows, cols, add);
                break;
            case GemmKernel.Vector512:
                TileKernels.Vector512Tile(kc, a, rowStride, colStride, b, c, ldc, rows, cols, add);
                break;
            default:
                TileKernels.ScalarTile(kc, a, rowStride, colStride, b, c, ldc, rows, cols, add, _nr);
                break;
        }
    }

    // B[pc..pc+kc, jc..jc+nc] as NR-column slivers, k-major within a sliver: sliver s holds
    // b[s*NR*kc + p*NR + c] = B(pc + p, jc + s*NR + c); columns past the edge are zeros.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(in Product p, int pc, int kc, int jc, int nc, int nr, float* packed)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            float* sliver = packed + (jr * kc);
            int cols = Math.Min(nr, nc - jr);
            if (p.TransposeB)
            {
                // Stored n×k: element (q, j) is at j*k + q; read each stored row once, in order.
                for (int col = 0; col < nr; col++)
                {
                    if (col >= cols)
                    {
                        for (int q = 0; q < kc; q++)
                        {
                            sliver[(q * nr) + col] = 0f;
                        }

                        continue;
                    }

                    float* source = p.B + ((long)(jc + jr + col) * p.K) + pc;
                    for (int q = 0; q < kc; q++)
                    {
                        sliver[(q * nr) + col] = source[q];
                    }
                }
            }
            else
            {
                for (int q = 0; q < kc; q++)
                {
                    float* source = p.B + ((long)(pc + q) * p.N) + jc + jr;
                    var row = new Span<float>(sliver + (q * nr), nr);
                    new ReadOnlySpan<float>(source, cols).CopyTo(row);
                    row.Slice(cols).Clear();
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static float* Align64(float* pointer) => (float*)(((nint)pointer + 63) & ~(nint)63);

    // The operands of one call, shared read-only by its threads.
    private struct Product
    {
        public readonly int M;
        public readonly int N;
        public readonly int K;
        public readonly bool TransposeA;
        public readonly bool TransposeB;
        public readonly bool Accumulate;
        public float* A;
        public float* B;
        public float* C;

        public Product(int m, int n, int k, bool transposeA, bool transposeB, bool accumulate)
        {
            M = m;
            N = n;
            K = k;
            TransposeA = transposeA;
            TransposeB = transposeB;
            Accumulate = accumulate;
            A = null;
            B = null;
            C = null;
        }
    }
}
