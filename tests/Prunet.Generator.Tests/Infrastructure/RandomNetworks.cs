namespace Prunet.Tests.Infrastructure;

/// <summary>
/// Random models built with the runtime's <see cref="PrunedModel"/> API, covering what the
/// generator must handle: depths 1–4, widths 1–40, every activation, sparsity from 0% to
/// 100% (whole rows and columns), both kinds of dead neuron, pre- and postprocessing,
/// classification and regression.
/// </summary>
public static class RandomNetworks
{
    private static readonly Activation[] Hidden = { Activation.Linear, Activation.Relu, Activation.LeakyRelu, Activation.Sigmoid, Activation.Tanh };

    public static PrunedModel Create(Random rng)
    {
        bool classification = rng.Next(2) == 0;
        int depth = rng.Next(1, 5);
        int inputs = rng.Next(1, 41);
        int outputs = classification ? rng.Next(2, 11) : rng.Next(1, 6);
        var layers = new List<DenseLayer>();
        int fanIn = inputs;
        for (int k = 0; k < depth; k++)
        {
            bool last = k == depth - 1;
            int fanOut = last ? outputs : rng.Next(1, 41);
            Activation activation = last && classification && rng.Next(2) == 0 ? Activation.Softmax : Hidden[rng.Next(Hidden.Length)];
            layers.Add(Layer(rng, fanIn, fanOut, activation));
            fanIn = fanOut;
        }

        // Dead neurons of the second kind (no outgoing weights): zero some columns of a later layer.
        for (int k = 1; k < layers.Count; k++)
        {
            if (rng.Next(3) == 0)
            {
                float[] weights = layers[k].CopyWeights();
                int column = rng.Next(layers[k].InputSize);
                for (int j = 0; j < layers[k].OutputSize; j++)
                {
                    weights[(j * layers[k].InputSize) + column] = 0f;
                }

                layers[k] = new DenseLayer(layers[k].InputSize, layers[k].OutputSize, layers[k].Activation, weights, layers[k].CopyBias(), layers[k].Alpha);
            }
        }

        InputPreprocessing? pre = rng.Next(2) == 0 ? new InputPreprocessing(Values(rng, inputs, -1, 1), Values(rng, inputs, 0.5f, 2f)) : null;
        OutputPostprocessing? post = !classification && rng.Next(2) == 0 ? new OutputPostprocessing(Values(rng, outputs, 0.5f, 3f), Values(rng, outputs, -5, 5)) : null;
        string[]? labels = classification && rng.Next(2) == 0 ? Enumerable.Range(0, outputs).Select(j => j == 0 ? "a \"quoted\" \\ label ü" : "class" + j).ToArray() : null;
        return new PrunedModel(classification ? ModelTask.Classification : ModelTask.Regression, layers, pre, post, labels: labels);
    }

    public static DenseLayer Layer(Random rng, int inputs, int outputs, Activation activation)
    {
        // Per-layer pruning level: dense, moderately or very sparse, or empty.
        double[] levels = { 0.0, 0.5, 0.9, 1.0 };
        double pruned = levels[rng.Next(levels.Length)];
        float limit = 2f / MathF.Sqrt(inputs);
        var weights = new float[inputs * outputs];
        for (int n = 0; n < weights.Length; n++)
        {
            weights[n] = rng.NextDouble() < pruned ? 0f : ((float)rng.NextDouble() * 2 - 1) * limit;
        }

        // Dead neurons of the first kind (no incoming weights): zero some rows.
        for (int j = 0; j < outputs; j++)
        {
            if (rng.Next(6) == 0)
            {
                Array.Clear(weights, j * inputs, inputs);
            }
        }

        float alpha = activation == Activation.LeakyRelu ? 0.01f + (float)rng.NextDouble() * 0.3f : 0f;
        return new DenseLayer(inputs, outputs, activation, weights, Values(rng, outputs, -0.5f, 0.5f), alpha);
    }

    /// <summary>A fully connected network with the given widths, magnitude-pruned to the given sparsity per layer.</summary>
    public static PrunedModel Mlp(Random rng, int[] widths, double sparsity, ModelTask task = ModelTask.Classification)
    {
        var layers = new List<DenseLayer>();
        for (int k = 1; k < widths.Length; k++)
        {
            bool last = k == widths.Length - 1;
            float limit = MathF.Sqrt(6f / widths[k - 1]);
            float[] weights = Values(rng, widths[k - 1] * widths[k], -limit, limit);
            if (sparsity > 0)
            {
                float[] magnitudes = weights.Select(MathF.Abs).OrderBy(v => v).ToArray();
                float threshold = magnitudes[Math.Min(magnitudes.Length - 1, (int)(sparsity * magnitudes.Length))];
                for (int n = 0; n < weights.Length; n++)
                {
                    if (MathF.Abs(weights[n]) < threshold)
                    {
                        weights[n] = 0f;
                    }
                }
            }

            Activation activation = last ? (task == ModelTask.Classification ? Activation.Softmax : Activation.Linear) : Activation.Relu;
            layers.Add(new DenseLayer(widths[k - 1], widths[k], activation, weights, Values(rng, widths[k], -0.1f, 0.1f)));
        }

        return new PrunedModel(task, layers);
    }

    /// <summary>
    /// A network whose hidden layers are pruned in aligned blocks of 8 outputs sharing one input
    /// (blockSize 8, the partial last block included), ReLU between layers so that inputs of later
    /// layers are often exactly zero, and preprocessing either folded (|shift × scale| small) or
    /// not (a shift far from zero): what BlockSparse, SparseColumns and the folding exist for.
    /// </summary>
    public static PrunedModel BlockPruned(Random rng)
    {
        bool classification = rng.Next(2) == 0;
        int depth = rng.Next(2, 4);
        int inputs = rng.Next(3, 41);
        var layers = new List<DenseLayer>();
        int fanIn = inputs;
        for (int k = 0; k < depth; k++)
        {
            bool last = k == depth - 1;
            int fanOut = last ? (classification ? rng.Next(2, 11) : rng.Next(1, 4)) : rng.Next(8, 49);
            float limit = 2f / MathF.Sqrt(fanIn);
            float[] weights = Values(rng, fanIn * fanOut, -limit, limit);
            double pruned = new[] { 0.0, 0.5, 0.9 }[rng.Next(3)];
            for (int b = 0; b * 8 < fanOut; b++)
            {
                for (int i = 0; i < fanIn; i++)
                {
                    if (rng.NextDouble() < pruned)
                    {
                        for (int j = b * 8; j < Math.Min(fanOut, (b + 1) * 8); j++)
                        {
                            weights[(j * fanIn) + i] = 0f;
                        }
                    }
                }
            }

            Activation activation = last ? (classification ? Activation.Softmax : Activation.Linear) : (rng.Next(4) == 0 ? Activation.Tanh : Activation.Relu);
            layers.Add(new DenseLayer(fanIn, fanOut, activation, weights, Values(rng, fanOut, -0.5f, 0.5f), blockSize: fanOut >= 8 ? 8 : 1));
            fanIn = fanOut;
        }

        InputPreprocessing? pre = rng.Next(3) switch
        {
            0 => null,
            1 => new InputPreprocessing(Values(rng, inputs, -1, 1), Values(rng, inputs, 0.5f, 2f)),
            _ => new InputPreprocessing(Values(rng, inputs, 50, 100), Values(rng, inputs, 0.5f, 1f)), // not folded: |shift × scale| > 4
        };
        return new PrunedModel(classification ? ModelTask.Classification : ModelTask.Regression, layers, pre);
    }

    /// <summary>Rows of random values in [min, max] with about half of them exactly zero, as after a ReLU or in a blank image.</summary>
    public static float[] ValuesWithZeros(Random rng, int count, float min, float max)
    {
        float[] values = Values(rng, count, min, max);
        for (int n = 0; n < count; n++)
        {
            if (rng.Next(2) == 0)
            {
                values[n] = 0f;
            }
        }

        return values;
    }

    public static float[] Values(Random rng, int count, float min, float max)
    {
        var values = new float[count];
        for (int n = 0; n < count; n++)
        {
            values[n] = min + ((float)rng.NextDouble() * (max - min));
        }

        return values;
    }
}
