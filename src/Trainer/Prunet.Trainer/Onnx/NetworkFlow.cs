namespace Prunet.Onnx;

/// <summary>
/// One dimension of a value's shape as the importer tracks it: a known size, or the batch size,
/// which a graph leaves open (<c>batch</c>, <c>N</c>) and Prunet's models do not have.
/// </summary>
internal readonly record struct Dim(long Size, bool IsBatch)
{
    public static Dim Batch { get; } = new(0, true);

    public static Dim Of(long size) => new(size, false);

    public override string ToString() => IsBatch ? "N" : Size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Format(IEnumerable<Dim> shape) => "[" + string.Join(", ", shape) + "]";
}

/// <summary>
/// A dense layer while the graph is read: weights and biases in double, so that folding
/// <c>alpha</c>, <c>beta</c> and element-wise constants into them rounds once, at the end.
/// </summary>
internal sealed class LayerDraft
{
    public LayerDraft(int inputSize, int outputSize, double[] weights, double[] bias, bool hasBias, int node)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Weights = weights;
        Bias = bias;
        HasBias = hasBias;
        Node = node;
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Row-major, <c>Weights[j * InputSize + i]</c>, as in <see cref="DenseLayer"/>.</summary>
    public double[] Weights { get; }

    public double[] Bias { get; }

    /// <summary>False after a <c>MatMul</c> or a <c>Gemm</c> without C: the next <c>Add</c> of a constant is the bias.</summary>
    public bool HasBias { get; set; }

    public Activation Activation { get; set; } = Activation.Linear;

    public float Alpha { get; set; }

    /// <summary>The Gemm or MatMul node that made the layer.</summary>
    public int Node { get; }

    /// <summary>The node that set the activation, or -1 for linear.</summary>
    public int ActivationNode { get; set; } = -1;

    public LayerDraft Clone()
        => new(InputSize, OutputSize, (double[])Weights.Clone(), (double[])Bias.Clone(), HasBias, Node)
        {
            Activation = Activation,
            Alpha = Alpha,
            ActivationNode = ActivationNode,
        };

    /// <summary>Folds <c>y_j ↦ a_j * y_j + b_j</c> on the layer's outputs into its weights and biases.</summary>
    public void ScaleOutputs(double[] a, double[] b)
    {
        for (int j = 0; j < OutputSize; j++)
        {
            for (int i = 0; i < InputSize; i++)
            {
                Weights[(j * InputSize) + i] *= a[j];
            }

            Bias[j] = (a[j] * Bias[j]) + b[j];
        }

        HasBias = true;
    }

    /// <summary>Folds <c>x_i ↦ a_i * x_i + b_i</c> on the layer's inputs into its weights and biases.</summary>
    public void ScaleInputs(double[] a, double[] b)
    {
        for (int j = 0; j < OutputSize; j++)
        {
            double shift = 0;
            for (int i = 0; i < InputSize; i++)
            {
                int k = (j * InputSize) + i;
                shift += Weights[k] * b[i];
                Weights[k] *= a[i];
            }

            Bias[j] += shift;
        }

        HasBias = true;
    }
}

/// <summary>
/// The network's data as it flows through the graph: its shape, the element-wise arithmetic seen
/// before the first layer (which becomes the model's preprocessing), the finished layers, the
/// layer whose activation is still open, and element-wise arithmetic after it (a bias, a
/// regression's output scaling, or something to fold into the next layer).
/// </summary>
internal sealed class NetworkFlow
{
    public NetworkFlow(List<Dim> shape, int features)
    {
        Shape = shape;
        InputA = Enumerable.Repeat(1.0, features).ToArray();
        InputB = new double[features];
    }

    private NetworkFlow(NetworkFlow other)
    {
        Shape = new List<Dim>(other.Shape);
        InputA = (double[])other.InputA.Clone();
        InputB = (double[])other.InputB.Clone();
        InputNodes = new List<int>(other.InputNodes);
        Layers = new List<LayerDraft>(other.Layers);
        Pending = other.Pending?.Clone();
        TrailA = (double[]?)other.TrailA?.Clone();
        TrailB = (double[]?)other.TrailB?.Clone();
        TrailNode = other.TrailNode;
    }

    /// <summary>The full shape, with exactly one batch dimension.</summary>
    public List<Dim> Shape { get; set; }

    /// <summary>Before the first layer: raw feature i becomes <c>InputA[i] * x_i + InputB[i]</c>.</summary>
    public double[] InputA { get; }

    /// <summary>See <see cref="InputA"/>.</summary>
    public double[] InputB { get; }

    /// <summary>The nodes folded into <see cref="InputA"/> and <see cref="InputB"/>.</summary>
    public List<int> InputNodes { get; } = new();

    /// <summary>Layers whose activation is known.</summary>
    public List<LayerDraft> Layers { get; } = new();

    /// <summary>The last layer, while its activation is still open (the data is its linear output).</summary>
    public LayerDraft? Pending { get; set; }

    /// <summary>Element-wise <c>y_j ↦ TrailA[j] * y_j + TrailB[j]</c> after the last layer (or its activation); null for none.</summary>
    public double[]? TrailA { get; set; }

    /// <summary>See <see cref="TrailA"/>.</summary>
    public double[]? TrailB { get; set; }

    /// <summary>The first node of the trailing arithmetic, or -1.</summary>
    public int TrailNode { get; set; } = -1;

    /// <summary>True until the data reaches a Gemm or MatMul.</summary>
    public bool BeforeFirstLayer => Layers.Count == 0 && Pending == null;

    /// <summary>Values per sample: the product of the dimensions other than the batch.</summary>
    public long Features => Shape.Where(d => !d.IsBatch).Aggregate(1L, (product, d) => product * d.Size);

    /// <summary>Where the batch dimension is.</summary>
    public int BatchAxis => Shape.FindIndex(d => d.IsBatch);

    /// <summary>A copy to change: values of a graph are immutable, and one may be an output as well as an input.</summary>
    public NetworkFlow Clone() => new(this);

    /// <summary>Folds the trailing arithmetic into the open layer and closes it with <paramref name="activation"/>.</summary>
    public void ClosePending(Activation activation, float alpha, int node)
    {
        LayerDraft layer = Pending!;
        if (TrailA != null)
        {
            layer.ScaleOutputs(TrailA, TrailB!);
            TrailA = null;
            TrailB = null;
            TrailNode = -1;
        }

        layer.Activation = activation;
        layer.Alpha = alpha;
        layer.ActivationNode = node;
        Layers.Add(layer);
        Pending = null;
    }
}
