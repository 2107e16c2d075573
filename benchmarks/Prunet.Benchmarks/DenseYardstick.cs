using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prunet.Benchmarks;

/// <summary>
/// The yardstick: one fixed dense implementation for every model, every weight (zeros included)
/// in row-major float arrays, each output a Vector256 dot product with four accumulators and FMA.
/// It is the same code for every network, not something to tune: what a competent hand-written
/// dense kernel costs, to compare the generated kernels with.
/// </summary>
public sealed class DenseYardstick
{
    private readonly float[][] _weights;
    private readonly float[][] _bias;
    private readonly int[] _inputs;
    private readonly int[] _outputs;
    private readonly Activation[] _activations;
    private readonly float[] _alpha;
    private readonly float[]? _shift;
    private readonly float[]? _scale;
    private readonly float[]? _postScale;
    private readonly float[]? _postShift;
    private readonly float[] _a;
    private readonly float[] _b;

    public DenseYardstick(PrunedModel model)
    {
        int count = model.Layers.Count;
        _weights = new float[count][];
        _bias = new float[count][];
        _inputs = new int[count];
        _outputs = new int[count];
        _activations = new Activation[count];
        _alpha = new float[count];
        int widest = model.InputSize;
        for (int k = 0; k < count; k++)
        {
            DenseLayer layer = model.Layers[k];
            _weights[k] = layer.CopyWeights();
            _bias[k] = layer.CopyBias();
            _inputs[k] = layer.InputSize;
            _outputs[k] = layer.OutputSize;
            _activations[k] = layer.Activation;
            _alpha[k] = layer.Alpha;
            widest = Math.Max(widest, layer.OutputSize);
        }

        _shift = model.Preprocessing?.Shift.ToArray();
        _scale = model.Preprocessing?.Scale.ToArray();
        _postScale = model.Postprocessing?.Scale.ToArray();
        _postShift = model.Postprocessing?.Shift.ToArray();
        _a = new float[widest];
        _b = new float[widest];
    }

    /// <summary>One prediction; not thread-safe (two scratch arrays, allocated once).</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        Span<float> x = _a.AsSpan(0, input.Length);
        if (_shift != null)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (input[i] - _shift[i]) * _scale![i];
            }
        }
        else
        {
            input.CopyTo(x);
        }

        float[] current = _a, next = _b;
        for (int k = 0; k < _weights.Length; k++)
        {
            Layer(k, current, next);
            (current, next) = (next, current);
        }

        int outputs = _outputs[^1];
        for (int j = 0; j < outputs; j++)
        {
            output[j] = _postScale == null ? current[j] : (current[j] * _postScale[j]) + _postShift![j];
        }
    }

    private void Layer(int k, float[] x, float[] y)
    {
        int inputs = _inputs[k];
        ref float xs = ref MemoryMarshal.GetArrayDataReference(x);
        ref float weights = ref MemoryMarshal.GetArrayDataReference(_weights[k]);
        for (int j = 0; j < _outputs[k]; j++)
        {
            ref float row = ref Unsafe.Add(ref weights, j * inputs);
            Vector256<float> v0 = Vector256<float>.Zero, v1 = v0, v2 = v0, v3 = v0;
            int i = 0;
            for (; i <= inputs - 32; i += 32)
            {
                v0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)i), Vector256.LoadUnsafe(ref xs, (nuint)i), v0);
                v1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(i + 8)), Vector256.LoadUnsafe(ref xs, (nuint)(i + 8)), v1);
                v2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(i + 16)), Vector256.LoadUnsafe(ref xs, (nuint)(i + 16)), v2);
                v3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)(i + 24)), Vector256.LoadUnsafe(ref xs, (nuint)(i + 24)), v3);
            }

            for (; i <= inputs - 8; i += 8)
            {
                v0 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)i), Vector256.LoadUnsafe(ref xs, (nuint)i), v0);
            }

            float sum = _bias[k][j] + Vector256.Sum((v0 + v1) + (v2 + v3));
            for (; i < inputs; i++)
            {
                sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref xs, i);
            }

            y[j] = sum;
        }

        Activate(k, y.AsSpan(0, _outputs[k]));
    }

    private void Activate(int k, Span<float> z)
    {
        switch (_activations[k])
        {
            case Activation.Relu:
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = z[j] > 0f ? z[j] : 0f;
                }

                break;
            case Activation.LeakyRelu:
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = z[j] > 0f ? z[j] : _alpha[k] * z[j];
                }

                break;
            case Activation.Sigmoid:
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = 1f / (1f + MathF.Exp(-z[j]));
                }

                break;
            case Activation.Tanh:
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = MathF.Tanh(z[j]);
                }

                break;
            case Activation.Softmax:
                float max = float.NegativeInfinity;
                foreach (float v in z)
                {
                    max = MathF.Max(max, v);
                }

                float total = 0f;
                for (int j = 0; j < z.Length; j++)
                {
                    z[j] = MathF.Exp(z[j] - max);
                    total += z[j];
                }

                for (int j = 0; j < z.Length; j++)
                {
                    z[j] /= total;
                }

                break;
        }
    }
}
