using System.Runtime.Intrinsics;
using Prunet.Training;

namespace Prunet.Tests;

/// <summary>
/// Every kernel (the scalar one included, whatever this processor has) against a naive
/// triple loop in double, on sizes that are not multiples of the tile or block sizes.
/// </summary>
public class MatrixMultiplyTests
{
    public static TheoryData<string, int, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int, int>();
        // Odd sizes; edge tiles in both directions; k crossing a K block (256); m crossing an M block (120).
        (int M, int N, int K)[] shapes = { (1, 1, 1), (7, 19, 33), (6, 16, 5), (13, 37, 300), (131, 23, 17), (5, 70, 513) };
        foreach (GemmKernel kernel in Enum.GetValues<GemmKernel>())
        {
            foreach ((int m, int n, int k) in shapes)
            {
                data.Add(kernel.ToString(), m, n, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveProduct(string kernelName, int m, int n, int k)
    {
        // By name: the kernel enum is internal, and theory parameters of public tests must be public.
        GemmKernel kernel = Enum.Parse<GemmKernel>(kernelName);
        var random = new Random((m * 1000) + (n * 10) + k);
        float[] a = RandomMatrix(m * k, random);
        float[] b = RandomMatrix(k * n, random);
        float[] initial = RandomMatrix(m * n, random);
        foreach (bool transposeA in new[] { false, true })
        {
            foreach (bool transposeB in new[] { false, true })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        float[] c = (float[])initial.Clone();
                        new MatrixMultiply(kernel, threads).Multiply(m, n, k, a, transposeA, b, transposeB, c, accumulate);
                        for (int i = 0; i < m; i++)
                        {
                            for (int j = 0; j < n; j++)
                            {
                                double expected = accumulate ? initial[(i * n) + j] : 0;
                                double magnitude = Math.Abs(expected);
                                for (int p = 0; p < k; p++)
                                {
                                    double product = (double)A(a, i, p, m, k, transposeA) * B(b, p, j, k, n, transposeB);
                                    expected += product;
                                    magnitude += Math.Abs(product);
                                }

                                double error = Math.Abs(c[(i * n) + j] - expected);
                                Assert.True(
                                    error <= 1e-6 * magnitude * Math.Sqrt(k + 1) + 1e-30,
                                    $"{kernel} tA={transposeA} tB={transposeB} acc={accumulate} threads={threads}: C[{i},{j}] = {c[(i * n) + j]}, expected {expected}");
                            }
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void ThreadCountDoesNotChangeAnyBit()
    {
        // Large enough to be split across threads (both by columns and by rows).
        foreach ((int m, int n, int k) in new[] { (64, 300, 200), (300, 10, 200) })
        {
            var random = new Random(7);
            float[] a = RandomMatrix(m * k, random);
            float[] b = RandomMatrix(k * n, random);
            var one = new float[m * n];
            var four = new float[m * n];
            new MatrixMultiply(MatrixMultiply.BestKernel, 1).Multiply(m, n, k, a, false, b, true, one, false);
            new MatrixMultiply(MatrixMultiply.BestKernel, 4).Multiply(m, n, k, a, false, b, true, four, false);
            Assert.Equal(one, four);
        }
    }

    [Fact]
    public void BestKernelIsTheWidestAccelerated()
    {
        GemmKernel expected = Vector512.IsHardwareAccelerated ? GemmKernel.Vector512 : Vector256.IsHardwareAccelerated ? GemmKernel.Vector256 : GemmKernel.Scalar;
        Assert.Equal(expected, MatrixMultiply.BestKernel);
    }

    [Fact]
    public void EmptyInnerDimensionGivesZerosOrLeavesC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        new MatrixMultiply(GemmKernel.Scalar, 1).Multiply(2, 2, 0, Array.Empty<float>(), false, Array.Empty<float>(), false, c, accumulate: true);
        Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
        new MatrixMultiply(GemmKernel.Scalar, 1).Multiply(2, 2, 0, Array.Empty<float>(), false, Array.Empty<float>(), false, c, accumulate: false);
        Assert.Equal(new float[4], c);
    }

    private static float A(float[] a, int i, int p, int m, int k, bool transposed) => transposed ? a[(p * m) + i] : a[(i * k) + p];

    private static float B(float[] b, int p, int j, int k, int n, bool transposed) => transposed ? b[(j * k) + p] : b[(p * n) + j];

    private static float[] RandomMatrix(int length, Random random)
        => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
}
