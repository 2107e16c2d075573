namespace Prunet.Training;

/// <summary>
/// One dense layer being trained: parameters in the model format's layout (weights row-major
/// <c>[out, in]</c>), their gradients, the batch's pre-activations z and outputs y kept from the
/// forward pass for the backward pass, and, when fine-tuning a pruned model, the pruning mask.
/// </summary>
internal sealed class TrainableLayer
{
    public TrainableLayer(int inputSize, int outputSize, Activation activation, float alpha, float[] weights, float[] bias)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        Alpha = alpha;
        Weights = weights;
        Bias = bias;
        WeightGradient = new float[weights.Length];
        BiasGradient = new float[bias.Length];
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>The activation trained with (a classifier's softmax is trained as linear logits).</summary>
    public Activation Activation { get; }

    public float Alpha { get; }

    public float[] Weights { get; }

    public float[] Bias { get; }

    public float[] WeightGradient { get; }

    public float[] BiasGradient { get; }

    /// <summary>Weights held at zero, or null when every weight trains.</summary>
    public PruningMask? Mask { get; set; }

    /// <summary>Pre-activations z of the last forward pass, rows × out.</summary>
    internal float[] Z { get; set; } = Array.Empty<float>();

    /// <summary>Outputs y = f(z) of the last forward pass, rows × out.</summary>
    internal float[] Y { get; set; } = Array.Empty<float>();

    /// <summary>Scratch for dL/dz, rows × out.</summary>
    internal float[] DZ { get; set; } = Array.Empty<float>();

    /// <summary>Scratch for dL/dx, the gradient passed to the previous layer, rows × in.</summary>
    internal float[] DX { get; set; } = Array.Empty<float>();
}

/// <summary>
/// A stack of dense layers trained on mini-batches stored row-major (rows × features). Forward
/// and backward are three matrix products per layer:
/// <c>Z = X·Wᵀ + b</c>, <c>dW = dZᵀ·X</c>, <c>dX = dZ·W</c> (skipped for the first layer, whose
/// input needs no gradient), plus <c>db = Σ_rows dZ</c>.
/// </summary>
internal sealed class Network
{
    private readonly MatrixMultiply _matmul;
    private int _capacity;

    public Network(IReadOnlyList<TrainableLayer> layers, MatrixMultiply matmul)
    {
        Layers = layers;
        _matmul = matmul;
    }

    public IReadOnlyList<TrainableLayer> Layers { get; }

    /// <summary>Threads the products (and the optimizer, which follows this) may use.</summary>
    public int MaxThreads => _matmul.MaxThreads;

    public int InputSize => Layers[0].InputSize;

    public int OutputSize => Layers[^1].OutputSize;

    /// <summary>Fraction of all weights that are exactly zero.</summary>
    public double Sparsity
    {
        get
        {
            long zeros = 0, total = 0;
            foreach (TrainableLayer layer in Layers)
            {
                total += layer.Weights.Length;
                foreach (float w in layer.Weights)
                {
                    zeros += w == 0f ? 1 : 0;
                }
            }

            return (double)zeros / total;
        }
    }

    /// <summary>
    /// Runs <paramref name="rows"/> rows of <paramref name="x"/> through every layer and returns the
    /// last layer's outputs (rows × out), valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> x, int rows)
    {
        EnsureCapacity(rows);
        ReadOnlySpan<float> input = x.Slice(0, rows * InputSize);
        foreach (TrainableLayer layer in Layers)
        {
            int n = rows * layer.OutputSize;
            Span<float> z = layer.Z.AsSpan(0, n);
            _matmul.Multiply(rows, layer.OutputSize, layer.InputSize, input, false, layer.Weights, true, z, accumulate: false);
            for (int r = 0; r < rows; r++)
            {
                Span<float> row = z.Slice(r * layer.OutputSize, layer.OutputSize);
                System.Numerics.Tensors.TensorPrimitives.Add(row, layer.Bias, row);
            }

            Activations.Forward(layer.Activation, layer.Alpha, z, layer.Y.AsSpan(0, n));
            input = layer.Y.AsSpan(0, n);
        }

        return input;
    }

    /// <summary>
    /// Given dL/dy of the last layer for the rows of the last <see cref="Forward"/> call (whose
    /// input was <paramref name="x"/>), sets every layer's weight and bias gradient.
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, int rows, ReadOnlySpan<float> dOutput)
    {
        ReadOnlySpan<float> dy = dOutput.Slice(0, rows * OutputSize);
        for (int k = Layers.Count - 1; k >= 0; k--)
        {
            TrainableLayer layer = Layers[k];
            int n = rows * layer.OutputSize;
            Span<float> dz = layer.DZ.AsSpan(0, n);
            Activations.Backward(layer.Activation, layer.Alpha, layer.Z.AsSpan(0, n), layer.Y.AsSpan(0, n), dy, dz);
            ReadOnlySpan<float> input = k == 0 ? x.Slice(0, rows * layer.InputSize) : Layers[k - 1].Y.AsSpan(0, rows * layer.InputSize);

            // dW (out×in) = dZᵀ (out×rows) · X (rows×in); dZ is stored rows×out, hence the transpose.
            _matmul.Multiply(layer.OutputSize, layer.InputSize, rows, dz, true, input, false, layer.WeightGradient, accumulate: false);
            Span<float> db = layer.BiasGradient;
            db.Clear();
            for (int r = 0; r < rows; r++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(db, dz.Slice(r * layer.OutputSize, layer.OutputSize), db);
            }

            if (k > 0)
            {
                // dX (rows×in) = dZ (rows×out) · W (out×in).
                Span<float> dx = layer.DX.AsSpan(0, rows * layer.InputSize);
                _matmul.Multiply(rows, layer.InputSize, layer.OutputSize, dz, false, layer.Weights, false, dx, accumulate: false);
                dy = dx;
            }
        }
    }

    /// <summary>Copies of every layer's weights and biases, to restore the best epoch later.</summary>
    public float[][] SaveParameters()
    {
        var saved = new float[2 * Layers.Count][];
        for (int k = 0; k < Layers.Count; k++)
        {
            saved[2 * k] = (float[])Layers[k].Weights.Clone();
            saved[(2 * k) + 1] = (float[])Layers[k].Bias.Clone();
        }

        return saved;
    }

    /// <summary>Puts back parameters saved by <see cref="SaveParameters"/>.</summary>
    public void RestoreParameters(float[][] saved)
    {
        for (int k = 0; k < Layers.Count; k++)
        {
            saved[2 * k].CopyTo(Layers[k].Weights, 0);
            saved[(2 * k) + 1].CopyTo(Layers[k].Bias, 0);
        }
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        foreach (TrainableLayer layer in Layers)
        {
            layer.Z = new float[rows * layer.OutputSize];
            layer.Y = new float[rows * layer.OutputSize];
            layer.DZ = new float[rows * layer.OutputSize];
            layer.DX = new float[rows * layer.InputSize];
        }

        _capacity = rows;
    }
}
