using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Prunet.Tests;

/// <summary>
/// Generated code computes what the reference interpreter computes, under OutputAgreement, for
/// random networks and every kernel. The seed is printed on failure; set PRUNET_SEED to replay.
/// </summary>
public sealed class EquivalenceTests(ITestOutputHelper log)
{
    private static readonly string[] Kernels = NetworkSources.Variants;

    [Fact]
    public void RandomNetworksAgreeWithTheInterpreterUnderEveryKernel()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("PRUNET_SEED"), out int s) ? s : 20261125;
        // 60 networks of every shape, then 24 pruned in blocks of 8 outputs with ReLU between layers.
        const int Networks = 84, BlockPruned = 24;
        var models = new PrunedModel[Networks];
        var classes = new List<NetworkClass>();
        var files = new List<(string, string)>();
        for (int n = 0; n < Networks; n++)
        {
            models[n] = n < Networks - BlockPruned ? RandomNetworks.Create(new Random(seed + n)) : RandomNetworks.BlockPruned(new Random(seed + n));
            files.Add(("/project/models/net" + n + ".model.json", models[n].ToJson()));
            foreach (string kernel in Kernels)
            {
                classes.Add(NetworkSources.Variant("Net" + n + kernel, "models/net" + n + ".model.json", kernel, models[n].Task == ModelTask.Classification));
            }
        }

        // The random networks must cover what they are meant to (checked, so that a change to the
        // generator of networks cannot silently drop a case).
        Assert.Contains(models, m => m.Task == ModelTask.Regression && m.Postprocessing != null);
        Assert.Contains(models, m => m.Task == ModelTask.Classification && m.Labels != null);
        Assert.Contains(models, m => m.Preprocessing != null);
        Assert.Contains(models, m => m.Layers.Count == 4);
        Assert.Contains(models, m => m.Layers.Count == 1);
        Assert.Contains(models, m => m.Layers[^1].Activation == Activation.Softmax);
        foreach (Activation activation in new[] { Activation.Linear, Activation.Relu, Activation.LeakyRelu, Activation.Sigmoid, Activation.Tanh })
        {
            Assert.Contains(models, m => m.Layers.Any(l => l.Activation == activation));
        }

        Assert.Contains(models, m => m.Statistics.Layers.Any(l => l.ConstantNeurons > 0));
        Assert.Contains(models, m => m.Statistics.Layers.Any(l => l.NeuronsWithoutOutputs > 0));
        Assert.Contains(models, m => m.Layers.Any(l => l.NonzeroCount == 0)); // a 100%-pruned layer
        Assert.Contains(models, m => m.Layers.Any(l => l.NonzeroCount > 256)); // Auto does not unroll it (Auto choosing SparseRows: LargeModelTests)

        GeneratorRun run = GeneratorHarness.Run(NetworkSources.For(classes), files.ToArray());
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));

        // Auto must have chosen each kernel somewhere, and the kernels' code paths must occur:
        // the dense kernel's passes of 4 blocks and single blocks, tails after the last whole
        // block, preprocessing folded into the first layer and kept as a pass.
        string[] auto = Enumerable.Range(0, Networks).Select(n => run.Source(NetworkSources.Namespace + ".Net" + n + "AutoPerLayer.g.cs")).ToArray();
        // (SparseColumns only pays on long columns of a layer after a ReLU, 300 → 100 at 50% say, which
        // these small networks do not have: PlanningTests checks that Auto picks it there.)
        // (SparseRows wins only where no other kernel fits, fewer than 8 outputs and too many weights to
        // unroll: PlanningTests.)
        foreach (string kernel in new[] { "Unrolled", "SparseWindows", "DenseSimd", "BlockSparse" })
        {
            Assert.True(auto.Any(source => source.Contains("// Kernel: " + kernel + " (Auto", StringComparison.Ordinal)), "Auto never chose " + kernel);
        }

        // Straight-line code: with vectors (and its scalar twin), without, and dot products after vectors.
        string[] straight = Enumerable.Range(0, Networks).Select(n => run.Source(NetworkSources.Namespace + ".Net" + n + "Auto.g.cs")).Where(s => s.Contains("one straight-line method", StringComparison.Ordinal)).ToArray();
        Assert.Contains(straight, source => source.Contains("ForwardVector(", StringComparison.Ordinal) && source.Contains("ForwardScalar(", StringComparison.Ordinal));
        Assert.Contains(straight, source => !source.Contains("ForwardVector(", StringComparison.Ordinal));
        Assert.Contains(straight, source => source.Contains("// As dot products", StringComparison.Ordinal));
        Assert.Contains(Enumerable.Range(0, Networks).Select(n => run.Source(NetworkSources.Namespace + ".Net" + n + "DenseSimd.g.cs")), source => source.Contains("Vector256.Shuffle(", StringComparison.Ordinal));

        string[] dense = Enumerable.Range(0, Networks).Select(n => run.Source(NetworkSources.Namespace + ".Net" + n + "DenseSimdPerLayer.g.cs")).ToArray();
        Assert.True(dense.Any(source => source.Contains("b + 4 <= ", StringComparison.Ordinal)), "no DenseSimd pass over 4 blocks");
        Assert.True(dense.Any(source => source.Contains("// The remaining blocks one at a time", StringComparison.Ordinal)), "no DenseSimd pass over single blocks");
        Assert.True(auto.Any(source => source.Contains("after the last whole block of 8, row by row", StringComparison.Ordinal) && source.Contains("// Kernel: BlockSparse (Auto", StringComparison.Ordinal)), "no BlockSparse tail under Auto");
        Assert.True(auto.Any(source => source.Contains("preprocessing folded into the weights and biases", StringComparison.Ordinal)), "no folded preprocessing");
        Assert.True(auto.Any(source => source.Contains("x' = (x - shift) * scale per feature", StringComparison.Ordinal)), "no preprocessing pass");
        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        log.WriteLine($"{Networks} networks × {Kernels.Length} kernels; generator {run.Elapsed.TotalMilliseconds:0} ms");

        for (int n = 0; n < Networks; n++)
        {
            PrunedModel model = models[n];
            var rng = new Random(seed + n + 1_000_000);
            const int Rows = 8;
            // Half the rows have about half their inputs exactly zero, so that zero-skipping kernels skip.
            float[] batch = RandomNetworks.Values(rng, Rows * model.InputSize, -3f, 3f);
            RandomNetworks.ValuesWithZeros(rng, Rows / 2 * model.InputSize, -3f, 3f).CopyTo(batch, 0);
            foreach (string kernel in Kernels)
            {
                string name = "Net" + n + kernel;
                string context = $"network {n} (seed {seed + n}; replay with PRUNET_SEED={seed} or new Random({seed + n})), kernel {kernel}";
                var generated = new float[Rows * model.OutputSize];
                for (int r = 0; r < Rows; r++)
                {
                    float[] input = batch.AsSpan(r * model.InputSize, model.InputSize).ToArray();
                    var expected = new float[model.OutputSize];
                    var actual = new float[model.OutputSize];
                    model.Predict(input, expected);
                    assembly.Predict(name, input, actual);
                    Assert.True(OutputAgreement.Agrees(actual, expected, out string why), context + ", row " + r + ": " + why + "\nmodel:\n" + model.ToJson());
                    if (model.Task == ModelTask.Classification)
                    {
                        Assert.Equal(PrunedModel.ArgMax(actual), assembly.PredictClass(name, input));
                    }

                    actual.CopyTo(generated, r * model.OutputSize);
                }

                var batched = new float[Rows * model.OutputSize];
                assembly.PredictBatch(name, batch, batched);
                Assert.True(generated.AsSpan().SequenceEqual(batched), context + ": PredictBatch differs from Predict row by row");
            }
        }
    }

    [Fact]
    public void ARegressionWithASoftmaxOutputIsPostprocessedAfterTheSoftmax()
    {
        // Valid in the format: softmax on the last layer of a regression model with postprocessing.
        var rng = new Random(77);
        var model = new PrunedModel(
            ModelTask.Regression,
            new[] { RandomNetworks.Layer(rng, 4, 8, Activation.Relu), RandomNetworks.Layer(rng, 8, 3, Activation.Softmax) },
            postprocessing: new OutputPostprocessing(new[] { 2f, 3f, 0.5f }, new[] { 1f, -1f, 4f }));
        NetworkClass[] classes = NetworkSources.Variants.Select(k => NetworkSources.Variant("Soft" + k, "soft.model.json", k, classifier: false)).ToArray();
        GeneratorRun run = GeneratorHarness.Run(NetworkSources.For(classes), ("/p/soft.model.json", model.ToJson()));
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));
        Assert.Contains("one straight-line method", run.Source(NetworkSources.Namespace + ".SoftAuto.g.cs"));
        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        for (int row = 0; row < 8; row++)
        {
            float[] input = RandomNetworks.Values(rng, 4, -3f, 3f);
            var expected = new float[3];
            model.Predict(input, expected);
            foreach (string kernel in NetworkSources.Variants)
            {
                var actual = new float[3];
                assembly.Predict("Soft" + kernel, input, actual);
                Assert.True(OutputAgreement.Agrees(actual, expected, out string why), kernel + ", row " + row + ": " + why);
            }
        }
    }

    [Fact]
    public void AStraightLineNetworkTooLargeForScalarTermsHasAPerLayerScalarTwin()
    {
        // 64-32-10 dense: vectors in one method, and for CPUs without them one method per layer
        // (ScalarPathTests runs that path).
        PrunedModel model = RandomNetworks.Mlp(new Random(19), new[] { 64, 32, 10 }, 0.0);
        NetworkClass[] classes = { NetworkSources.Variant("Wide", "wide.model.json", "Auto", classifier: true) };
        GeneratorRun run = GeneratorHarness.Run(NetworkSources.For(classes), ("/p/wide.model.json", model.ToJson()));
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));
        string source = run.Source(NetworkSources.Namespace + ".Wide.g.cs");
        Assert.Contains("private static void ForwardVector(", source);
        Assert.Contains("one method per layer (too many weights for straight-line scalar code)", source);
        Assert.Contains("private static void Layer1(", source);
        Assert.Contains("// Softmax in the vectors", source); // and its Exp, checked by the agreement below
        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        var rng = new Random(20);
        for (int row = 0; row < 8; row++)
        {
            float[] input = RandomNetworks.Values(rng, 64, 0f, 16f);
            var expected = new float[10];
            var actual = new float[10];
            model.Predict(input, expected);
            assembly.Predict("Wide", input, actual);
            Assert.True(OutputAgreement.Agrees(actual, expected, out string why), "row " + row + ": " + why);
        }
    }
}
