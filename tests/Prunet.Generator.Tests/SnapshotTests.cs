using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// The emitted source of small models, compared with checked-in files (Snapshots/*.g.cs): a
/// change to the generated code shows up as a reviewed diff. Each snapshot also compiles.
/// </summary>
public sealed class SnapshotTests
{
    /// <summary>2 → 3 → 2 classifier with labels and preprocessing; Auto unrolls both layers.</summary>
    public static PrunedModel TinyNet() => new(
        ModelTask.Classification,
        new[]
        {
            new DenseLayer(2, 3, Activation.Relu, new[] { 0.5f, -1.25f, 0f, 2f, 0.75f, 0.1f }, new[] { 0.1f, 0f, -0.2f }),
            new DenseLayer(3, 2, Activation.Softmax, new[] { 1f, -1f, 0.5f, -0.5f, 1f, 0.25f }, new[] { 0f, 0.05f }),
        },
        new InputPreprocessing(new[] { 1f, -2f }, new[] { 0.5f, 0.25f }),
        labels: new[] { "cat", "dog" });

    /// <summary>
    /// 6 → 5 → 4 → 1 regression forced to SparseRows: input 5 is never read, neuron 1 of layer 1
    /// has no incoming weights (folded), neuron 3 of layer 2 has no outgoing weights (removed).
    /// </summary>
    public static PrunedModel SparseNet()
    {
        float[] w1 =
        {
            0.5f, 0, 0, -0.25f, 0, 0,
            0, 0, 0, 0, 0, 0,
            0, 1.5f, 0, 0, 0.125f, 0,
            -2f, 0, 0.75f, 0, 0, 0,
            0, 0, 0, 0, 3f, 0,
        };
        float[] w2 =
        {
            1f, 0.5f, 0, -1f, 0,
            0, -0.5f, 2f, 0, 0.25f,
            0.125f, 0, 0, 0, -0.75f,
            0, 0, 1f, 1f, 0,
        };
        float[] w3 = { 0.5f, -1f, 0.25f, 0f };
        return new PrunedModel(
            ModelTask.Regression,
            new[]
            {
                new DenseLayer(6, 5, Activation.LeakyRelu, w1, new[] { 0.1f, 0.7f, -0.1f, 0f, 0.2f }, alpha: 0.1f),
                new DenseLayer(5, 4, Activation.Tanh, w2, new[] { 0f, 0.1f, 0.2f, 0.3f }),
                new DenseLayer(4, 1, Activation.Linear, w3, new[] { 1f }),
            },
            postprocessing: new OutputPostprocessing(new[] { 10f }, new[] { 50f }),
            inputNames: new[] { "a", "b", "c", "d", "e", "f" });
    }

    /// <summary>4 → 3 sigmoid → 3 linear classifier forced to DenseSimd.</summary>
    public static PrunedModel DenseNet() => new(
        ModelTask.Classification,
        new[]
        {
            new DenseLayer(4, 3, Activation.Sigmoid, new[] { 0.1f, 0.2f, 0.3f, 0.4f, -0.5f, 0.6f, -0.7f, 0.8f, 0.9f, -1f, 1.1f, -1.2f }, new[] { 0f, 0.5f, -0.5f }),
            new DenseLayer(3, 3, Activation.Linear, new[] { 1f, 0f, -1f, 0.5f, 0.5f, 0.5f, -2f, 1f, 0f }, new[] { 0.01f, 0.02f, 0.03f }),
        });

    /// <summary>
    /// 6 → 12 ReLU → 3 softmax forced to BlockSparse: layer 1 pruned in blocks of 8 outputs (one
    /// whole block, kept for inputs 0, 2 and 5, and a tail of 4 outputs); layer 2 is all tail.
    /// </summary>
    public static PrunedModel BlockNet()
    {
        var w1 = new float[12 * 6];
        for (int j = 0; j < 12; j++)
        {
            foreach (int i in j < 8 ? new[] { 0, 2, 5 } : new[] { 1, 3 })
            {
                w1[(j * 6) + i] = ((j + 1) * 0.125f) - (i * 0.25f) + 0.0625f; // never exactly 0
            }
        }

        float[] w2 = Enumerable.Range(0, 3 * 12).Select(n => (n % 5) * 0.25f - 0.5f).ToArray();
        return new PrunedModel(
            ModelTask.Classification,
            new[]
            {
                new DenseLayer(6, 12, Activation.Relu, w1, Enumerable.Range(0, 12).Select(j => j * 0.01f).ToArray(), blockSize: 8),
                new DenseLayer(12, 3, Activation.Softmax, w2, new[] { 0f, 0.1f, -0.1f }),
            });
    }

    /// <summary>3 → 41 tanh → 2 regression forced to DenseSimd: a pass over 4 blocks of 8 outputs, one single block and one tail row.</summary>
    public static PrunedModel WideNet()
    {
        float[] w1 = Enumerable.Range(0, 41 * 3).Select(n => ((n * 7) % 11 * 0.125f) - 0.625f).ToArray();
        float[] w2 = Enumerable.Range(0, 2 * 41).Select(n => ((n * 5) % 9 * 0.0625f) - 0.25f).ToArray();
        return new PrunedModel(
            ModelTask.Regression,
            new[]
            {
                new DenseLayer(3, 41, Activation.Tanh, w1, new float[41]),
                new DenseLayer(41, 2, Activation.Linear, w2, new[] { 0.5f, -0.5f }),
            });
    }

    /// <summary>Snapshot file name, model and kernel.</summary>
    public static IEnumerable<object[]> Cases() => new[]
    {
        new object[] { "TinyNet", "TinyNet", "Auto" },
        new object[] { "SparseNet", "SparseNet", "SparseRows" },
        new object[] { "SparseNetColumns", "SparseNet", "SparseColumns" },
        new object[] { "DenseNet", "DenseNet", "DenseSimd, StraightLine = false" },
        new object[] { "WideNet", "WideNet", "DenseSimd" },
        new object[] { "BlockNet", "BlockNet", "BlockSparse" },
    };

    public static PrunedModel Model(string name) => name switch
    {
        "TinyNet" => TinyNet(),
        "SparseNet" => SparseNet(),
        "BlockNet" => BlockNet(),
        "WideNet" => WideNet(),
        _ => DenseNet(),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedSourceMatchesTheSnapshot(string snapshot, string name, string kernel)
    {
        PrunedModel model = Model(name);
        string source = "using Prunet;\n\nnamespace Samples\n{\n    [PrunedNetwork(\"models/" + name + ".model.json\", Kernel = PrunedNetworkKernel." + kernel + ")]\n    public static partial class " + name + " { }\n}\n";
        GeneratorRun run = GeneratorHarness.Run(source, ("/repo/models/" + name + ".model.json", model.ToJson()));
        Assert.Empty(run.Diagnostics);
        GeneratorHarness.Emit(run.Output);
        Snapshot.Match(snapshot + ".g.cs", run.Source("Samples." + name + ".g.cs"));
    }
}
