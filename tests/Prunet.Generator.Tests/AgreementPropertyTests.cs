using CsCheck;
using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// Property: for any network (depth, widths, activations, per-layer sparsity from dense to empty,
/// dead neurons of both kinds, pre- and postprocessing, either task), the generated class agrees
/// with the reference interpreter under every kernel. CsCheck shrinks a failing network to a
/// small one and prints the seed that replays it (environment variable CsCheck_Seed).
/// </summary>
public sealed class AgreementPropertyTests
{
    private static readonly string[] Kernels = NetworkSources.Variants;
    private static readonly Activation[] Hidden = { Activation.Linear, Activation.Relu, Activation.LeakyRelu, Activation.Sigmoid, Activation.Tanh };
    private static readonly double[] PruningLevels = { 0.0, 0.5, 0.9, 1.0 };

    private static readonly Gen<PrunedModel> Networks =
        from classification in Gen.Bool
        from widths in Gen.Int[1, 24].Array[2, 5]
        from activations in Gen.Int[0, Hidden.Length - 1].Array[4]
        from levels in Gen.Int[0, PruningLevels.Length - 1].Array[4]
        from deadRows in Gen.Bool
        from softmax in Gen.Bool
        from preprocessing in Gen.Bool
        from postprocessing in Gen.Bool
        from seed in Gen.Int
        select Build(classification, widths, activations, levels, deadRows, softmax, preprocessing, postprocessing, seed);

    [Fact]
    public void GeneratedCodeAgreesWithTheInterpreterForAnyNetwork()
    {
        Networks.Sample(
            AssertAgrees,
            iter: 24,
            threads: 1,
            print: model => model.ToJson());
    }

    private static PrunedModel Build(bool classification, int[] widths, int[] activations, int[] levels, bool deadRows, bool softmax, bool preprocessing, bool postprocessing, int seed)
    {
        var rng = new Random(seed);
        if (classification)
        {
            widths[^1] = Math.Max(2, widths[^1]);
        }

        var layers = new List<DenseLayer>();
        for (int k = 1; k < widths.Length; k++)
        {
            bool last = k == widths.Length - 1;
            Activation activation = last && classification && softmax ? Activation.Softmax : Hidden[activations[k - 1]];
            int inputs = widths[k - 1], outputs = widths[k];
            float[] weights = RandomNetworks.Values(rng, inputs * outputs, -1.5f, 1.5f);
            for (int n = 0; n < weights.Length; n++)
            {
                weights[n] = rng.NextDouble() < PruningLevels[levels[k - 1]] ? 0f : weights[n];
            }

            if (deadRows && outputs > 1)
            {
                Array.Clear(weights, 0, inputs); // output 0 has no incoming weights: a constant neuron
            }

            float alpha = activation == Activation.LeakyRelu ? 0.1f : 0f;
            layers.Add(new DenseLayer(inputs, outputs, activation, weights, RandomNetworks.Values(rng, outputs, -0.5f, 0.5f), alpha));
        }

        InputPreprocessing? pre = preprocessing ? new InputPreprocessing(RandomNetworks.Values(rng, widths[0], -1, 1), RandomNetworks.Values(rng, widths[0], 0.5f, 2f)) : null;
        OutputPostprocessing? post = postprocessing && !classification ? new OutputPostprocessing(RandomNetworks.Values(rng, widths[^1], 0.5f, 3f), RandomNetworks.Values(rng, widths[^1], -5, 5)) : null;
        return new PrunedModel(classification ? ModelTask.Classification : ModelTask.Regression, layers, pre, post);
    }

    private static void AssertAgrees(PrunedModel model)
    {
        NetworkClass[] classes = Kernels.Select(k => NetworkSources.Variant("Net" + k, "net.model.json", k, model.Task == ModelTask.Classification)).ToArray();
        GeneratorRun run = GeneratorHarness.Run(new[] { NetworkSources.For(classes) }, new AdditionalText[] { new InMemoryAdditionalText("/p/net.model.json", model.ToJson()) });
        Assert.Empty(run.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(GeneratorHarness.Describe));
        using LoadedAssembly assembly = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        var rng = new Random(model.InputSize);
        for (int row = 0; row < 4; row++)
        {
            float[] input = RandomNetworks.Values(rng, model.InputSize, -3f, 3f);
            var expected = new float[model.OutputSize];
            model.Predict(input, expected);
            foreach (string kernel in Kernels)
            {
                var actual = new float[model.OutputSize];
                assembly.Predict("Net" + kernel, input, actual);
                Assert.True(OutputAgreement.Agrees(actual, expected, out string why), kernel + ": " + why);
            }
        }
    }
}
