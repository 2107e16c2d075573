namespace Prunet.Testing;

/// <summary>
/// Random valid models for the tests of every reader and writer: random depths, widths, every
/// activation, sparsities from 0 to 1 (or the one given), pre- and postprocessing (scales of 0 too),
/// labels, input names, block sizes and provenance, both tasks. A pure function of the seed.
/// </summary>
public static class RandomModels
{
    public static PrunedModel Create(int seed, double? sparsity = null)
    {
        var random = new Random(seed);
        bool classification = random.Next(2) == 0;
        int depth = random.Next(1, 5);
        int width = random.Next(1, 20);
        int inputs = width;
        var layers = new List<DenseLayer>();
        for (int k = 0; k < depth; k++)
        {
            bool last = k == depth - 1;
            int outputs = last ? (classification ? random.Next(2, 7) : random.Next(1, 4)) : random.Next(1, 24);
            Activation activation = last
                ? (classification && random.Next(2) == 0 ? Activation.Softmax : (Activation)random.Next(0, 5))
                : (Activation)random.Next(0, 5);
            double layerSparsity = sparsity ?? random.NextDouble();
            var weights = new float[inputs * outputs];
            for (int n = 0; n < weights.Length; n++)
            {
                weights[n] = random.NextDouble() < layerSparsity ? 0f : (float)(random.NextDouble() * 2 - 1);
            }

            float[] bias = Enumerable.Range(0, outputs).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            float alpha = activation == Activation.LeakyRelu ? (float)random.NextDouble() * 0.3f : 0f;
            int blockSize = random.Next(3) == 0 ? random.Next(1, outputs + 1) : 1;
            layers.Add(new DenseLayer(inputs, outputs, activation, weights, bias, alpha, blockSize));
            inputs = outputs;
        }

        // Scales of 0 too: a feature the model ignores.
        InputPreprocessing? preprocessing = random.Next(2) == 0
            ? null
            : new InputPreprocessing(
                Enumerable.Range(0, width).Select(_ => (float)(random.NextDouble() * 10 - 2)).ToArray(),
                Enumerable.Range(0, width).Select(_ => random.Next(10) == 0 ? 0f : (float)(random.NextDouble() * 3 - 1)).ToArray());
        OutputPostprocessing? postprocessing = !classification && random.Next(2) == 0
            ? new OutputPostprocessing(
                Enumerable.Range(0, inputs).Select(_ => (float)(random.NextDouble() * 5)).ToArray(),
                Enumerable.Range(0, inputs).Select(_ => (float)(random.NextDouble() * 50)).ToArray())
            : null;
        string[]? labels = classification && random.Next(2) == 0 ? Enumerable.Range(0, inputs).Select(j => "class " + j).ToArray() : null;
        string[]? names = random.Next(2) == 0 ? Enumerable.Range(0, width).Select(i => "feature " + i).ToArray() : null;
        var provenance = random.Next(2) == 0 ? null : new Dictionary<string, object?> { ["producer"] = "prunet 0.1.0", ["dataset"] = "random " + seed, ["data"] = new Dictionary<string, object?> { ["splitSeed"] = 3.0, ["testFraction"] = 0.25 } };
        return new PrunedModel(classification ? ModelTask.Classification : ModelTask.Regression, layers, preprocessing, postprocessing, names, labels, provenance);
    }

    public static float[] Input(Random random, int size)
        => Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
}
