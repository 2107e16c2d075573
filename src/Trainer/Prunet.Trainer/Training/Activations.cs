using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Prunet.Training;

/// <summary>
/// Each hidden activation's forward <c>y = f(z)</c> and backward <c>dz = dy · f'(z)</c>, side by
/// side. Backward gets both z and y because some derivatives are cheapest from one, some from the
/// other (sigmoid and tanh from y). Softmax is not here: it is only ever a classifier's last layer,
/// and its backward is fused with cross-entropy in <see cref="SoftmaxCrossEntropy"/>.
/// </summary>
internal static class Activations
{
    /// <summary>y = f(z) for a whole batch.</summary>
    public static void Forward(Activation activation, float alpha, ReadOnlySpan<float> z, Span<float> y)
    {
        switch (activation)
        {
            case Activation.Linear: z.CopyTo(y); break;
            case Activation.Relu: TensorPrimitives.Max(z, 0f, y); break;
            case Activation.LeakyRelu: LeakyRelu(alpha, z, y); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(z, y); break;
            case Activation.Tanh: TensorPrimitives.Tanh(z, y); break;
            default: throw new NotSupportedException(ActivationNames.ToName(activation) + " is only trained as the last layer of a classifier");
        }
    }

    /// <summary>dz = dy · f'(z) for a whole batch.</summary>
    public static void Backward(Activation activation, float alpha, ReadOnlySpan<float> z, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dz)
    {
        switch (activation)
        {
            case Activation.Linear: dy.CopyTo(dz); break;
            case Activation.Relu: LeakyReluBackward(0f, z, dy, dz); break;
            case Activation.LeakyRelu: LeakyReluBackward(alpha, z, dy, dz); break;
            case Activation.Sigmoid: SigmoidBackward(y, dy, dz); break;
            case Activation.Tanh: TanhBackward(y, dy, dz); break;
            default: throw new NotSupportedException(ActivationNames.ToName(activation) + " is only trained as the last layer of a classifier");
        }
    }

    // y = z for z > 0, else alpha·z.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeakyRelu(float alpha, ReadOnlySpan<float> z, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = new Vector<float>(alpha);
            for (; i <= z.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(z.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * a).CopyTo(y.Slice(i));
            }
        }

        for (; i < z.Length; i++)
        {
            y[i] = z[i] > 0f ? z[i] : alpha * z[i];
        }
    }

    // f'(z) = 1 for z > 0, else alpha (0 for relu; the subgradient at 0 is taken as alpha, as PyTorch does).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeakyReluBackward(float alpha, ReadOnlySpan<float> z, ReadOnlySpan<float> dy, Span<float> dz)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = new Vector<float>(alpha);
            for (; i <= z.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var g = new Vector<float>(dy.Slice(i));
                var positive = Vector.GreaterThan(new Vector<float>(z.Slice(i)), Vector<float>.Zero);
                Vector.ConditionalSelect(positive, g, g * a).CopyTo(dz.Slice(i));
            }
        }

        for (; i < z.Length; i++)
        {
            dz[i] = z[i] > 0f ? dy[i] : alpha * dy[i];
        }
    }

    // σ'(z) = σ(z)(1 - σ(z)) = y(1 - y).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dz)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(y.Slice(i));
                (new Vector<float>(dy.Slice(i)) * v * (Vector<float>.One - v)).CopyTo(dz.Slice(i));
            }
        }

        for (; i < y.Length; i++)
        {
            dz[i] = dy[i] * y[i] * (1f - y[i]);
        }
    }

    // tanh'(z) = 1 - tanh²(z) = 1 - y².
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dz)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(y.Slice(i));
                (new Vector<float>(dy.Slice(i)) * (Vector<float>.One - (v * v))).CopyTo(dz.Slice(i));
            }
        }

        for (; i < y.Length; i++)
        {
            dz[i] = dy[i] * (1f - (y[i] * y[i]));
        }
    }
}
