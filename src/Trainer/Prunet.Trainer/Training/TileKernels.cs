using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prunet.Training;

/// <summary>
/// The register tiles of <see cref="MatrixMultiply"/>: C[0..rows, 0..cols] (+)= Σ_p a[:, p] ⊗ b[p, :]
/// where a is MR rows of A read in place (element (r, p) at <c>a[r*rowStride + p*colStride]</c>) and
/// b a packed kc×NR sliver. Every kernel sums each element of C in k order, starting from zero, and
/// adds the sum to C (when <c>add</c>) last. Rows past <c>rows</c> re-read row 0 (memory that exists)
/// and are discarded.
/// </summary>
internal static unsafe class TileKernels
{
    private const int MR = MatrixMultiply.MR;

    /// <summary>6×16 tile: 12 accumulators, 2 B loads and 1 broadcast fill 15 of AVX2's 16 registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector256Tile(int kc, float* a, nint rowStride, nint colStride, float* b, float* c, int ldc, int rows, int cols, bool add)
    {
        Rows(a, rowStride, rows, out float* a0, out float* a1, out float* a2, out float* a3, out float* a4, out float* a5);
        nint q = 0;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> ar = Vector256.Create(a0[q]);
            c00 = MulAdd(ar, b0, c00);
            c01 = MulAdd(ar, b1, c01);
            ar = Vector256.Create(a1[q]);
            c10 = MulAdd(ar, b0, c10);
            c11 = MulAdd(ar, b1, c11);
            ar = Vector256.Create(a2[q]);
            c20 = MulAdd(ar, b0, c20);
            c21 = MulAdd(ar, b1, c21);
            ar = Vector256.Create(a3[q]);
            c30 = MulAdd(ar, b0, c30);
            c31 = MulAdd(ar, b1, c31);
            ar = Vector256.Create(a4[q]);
            c40 = MulAdd(ar, b0, c40);
            c41 = MulAdd(ar, b1, c41);
            ar = Vector256.Create(a5[q]);
            c50 = MulAdd(ar, b0, c50);
            c51 = MulAdd(ar, b1, c51);
            q += colStride;
            b += 16;
        }

        if (rows == MR && cols == 16)
        {
            Store(c, c00, c01, add);
            Store(c + ldc, c10, c11, add);
            Store(c + (2 * ldc), c20, c21, add);
            Store(c + (3 * ldc), c30, c31, add);
            Store(c + (4 * ldc), c40, c41, add);
            Store(c + (5 * ldc), c50, c51, add);
            return;
        }

        // An edge tile: spill to a buffer and copy out only the part inside C.
        float* tile = stackalloc float[MR * 16];
        c00.Store(tile);
        c01.Store(tile + 8);
        c10.Store(tile + 16);
        c11.Store(tile + 24);
        c20.Store(tile + 32);
        c21.Store(tile + 40);
        c30.Store(tile + 48);
        c31.Store(tile + 56);
        c40.Store(tile + 64);
        c41.Store(tile + 72);
        c50.Store(tile + 80);
        c51.Store(tile + 88);
        CopyOut(tile, 16, c, ldc, rows, cols, add);
    }

    /// <summary>6×32 tile with 512-bit registers (12 of AVX-512's 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector512Tile(int kc, float* a, nint rowStride, nint colStride, float* b, float* c, int ldc, int rows, int cols, bool add)
    {
        Rows(a, rowStride, rows, out float* a0, out float* a1, out float* a2, out float* a3, out float* a4, out float* a5);
        nint q = 0;
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> ar = Vector512.Create(a0[q]);
            c00 = MulAdd(ar, b0, c00);
            c01 = MulAdd(ar, b1, c01);
            ar = Vector512.Create(a1[q]);
            c10 = MulAdd(ar, b0, c10);
            c11 = MulAdd(ar, b1, c11);
            ar = Vector512.Create(a2[q]);
            c20 = MulAdd(ar, b0, c20);
            c21 = MulAdd(ar, b1, c21);
            ar = Vector512.Create(a3[q]);
            c30 = MulAdd(ar, b0, c30);
            c31 = MulAdd(ar, b1, c31);
            ar = Vector512.Create(a4[q]);
            c40 = MulAdd(ar, b0, c40);
            c41 = MulAdd(ar, b1, c41);
            ar = Vector512.Create(a5[q]);
            c50 = MulAdd(ar, b0, c50);
            c51 = MulAdd(ar, b1, c51);
            q += colStride;
            b += 32;
        }

        if (rows == MR && cols == 32)
        {
            Store(c, c00, c01, add);
            Store(c + ldc, c10, c11, add);
            Store(c + (2 * ldc), c20, c21, add);
            Store(c + (3 * ldc), c30, c31, add);
            Store(c + (4 * ldc), c40, c41, add);
            Store(c + (5 * ldc), c50, c51, add);
            return;
        }

        float* tile = stackalloc float[MR * 32];
        c00.Store(tile);
        c01.Store(tile + 16);
        c10.Store(tile + 32);
        c11.Store(tile + 48);
        c20.Store(tile + 64);
        c21.Store(tile + 80);
        c30.Store(tile + 96);
        c31.Store(tile + 112);
        c40.Store(tile + 128);
        c41.Store(tile + 144);
        c50.Store(tile + 160);
        c51.Store(tile + 176);
        CopyOut(tile, 32, c, ldc, rows, cols, add);
    }

    /// <summary>The same tile one multiply-add at a time, for processors without vector units (and to test the others against).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ScalarTile(int kc, float* a, nint rowStride, nint colStride, float* b, float* c, int ldc, int rows, int cols, bool add, int nr)
    {
        float* tile = stackalloc float[MR * nr];
        new Span<float>(tile, MR * nr).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < rows; r++)
            {
                float ar = a[(r * rowStride) + (p * colStride)];
                float* row = tile + (r * nr);
                for (int col = 0; col < nr; col++)
                {
                    row[col] += ar * b[col];
                }
            }

            b += nr;
        }

        CopyOut(tile, nr, c, ldc, rows, cols, add);
    }

    // Pointers to the MR rows of A; rows past the edge alias row 0 so that every load is in bounds.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows(float* a, nint rowStride, int rows, out float* a0, out float* a1, out float* a2, out float* a3, out float* a4, out float* a5)
    {
        a0 = a;
        a1 = rows > 1 ? a + rowStride : a;
        a2 = rows > 2 ? a + (2 * rowStride) : a;
        a3 = rows > 3 ? a + (3 * rowStride) : a;
        a4 = rows > 4 ? a + (4 * rowStride) : a;
        a5 = rows > 5 ? a + (5 * rowStride) : a;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MulAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c)
        => Avx512F.IsSupported ? Avx512F.FusedMultiplyAdd(a, b, c) : (a * b) + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> left, Vector256<float> right, bool add)
    {
        if (add)
        {
            left += Vector256.Load(c);
            right += Vector256.Load(c + 8);
        }

        left.Store(c);
        right.Store(c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> left, Vector512<float> right, bool add)
    {
        if (add)
        {
            left += Vector512.Load(c);
            right += Vector512.Load(c + 16);
        }

        left.Store(c);
        right.Store(c + 16);
    }

    private static void CopyOut(float* tile, int nr, float* c, int ldc, int rows, int cols, bool add)
    {
        for (int r = 0; r < rows; r++)
        {
            float* source = tile + (r * nr);
            float* target = c + ((long)r * ldc);
            for (int col = 0; col < cols; col++)
            {
                target[col] = add ? target[col] + source[col] : source[col];
            }
        }
    }
}
