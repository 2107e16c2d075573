extern alias gen;

using Prunet.Tests.Infrastructure;
using G = gen::Prunet;
using Planning = gen::Prunet.Generator.Planning;

namespace Prunet.Tests;

/// <summary>
/// Planning without Roslyn: dead-neuron removal, constant folding, skipped inputs and the
/// kernel rule. The plan is evaluated by a small interpreter here and compared with the
/// reference interpreter, so removal and folding are checked for meaning, not just counts.
/// </summary>
public sealed class PlanningTests
{
    /// <summary>The generator's copy of the model type (it compiles the format in), read from the same JSON.</summary>
    private static G.PrunedModel InGenerator(PrunedModel model) => G.PrunedModel.Parse(model.ToJson());

    /// <summary>The plan with one method per layer (StraightLine = false), where the per-layer kernel rule applies.</summary>
    private static Planning.NetworkPlan Plan(PrunedModel model, Planning.KernelRequest request = Planning.KernelRequest.Auto, bool straightLine = false)
        => Planning.NetworkPlanner.Plan(InGenerator(model), request, straightLine);

    [Fact]
    public void RemovesNeuronsWithoutOutgoingWeightsAndFoldsNeuronsWithoutIncomingWeights()
    {
        Planning.NetworkPlan plan = Plan(SnapshotTests.SparseNet());
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, plan.UsedInputs); // feature 5 is read by no weight
        Assert.Equal(new[] { 4, 3, 1 }, plan.Layers.Select(l => l.Outputs));
        Assert.Equal(1, plan.Layers[0].FoldedNeurons);
        Assert.Equal(1, plan.Layers[1].RemovedNeurons);
        AssertPlanComputesTheModel(SnapshotTests.SparseNet(), plan, new Random(1));
    }

    [Fact]
    public void RemovalRunsToAFixedPoint()
    {
        // Layer 2's neuron 0 reads only layer 1's neuron 0, which has no incoming weights: once
        // neuron 0 of layer 1 is folded, neuron 0 of layer 2 has no incoming weights either.
        var model = new PrunedModel(
            ModelTask.Regression,
            new[]
            {
                new DenseLayer(2, 2, Activation.Sigmoid, new[] { 0f, 0f, 1f, -1f }, new[] { 0.5f, 0f }),
                new DenseLayer(2, 2, Activation.Tanh, new[] { 2f, 0f, 0f, 1f }, new[] { 0.1f, 0.2f }),
                new DenseLayer(2, 1, Activation.Linear, new[] { 1f, 1f }, new[] { 0f }),
            });
        Planning.NetworkPlan plan = Plan(model);
        Assert.Equal(new[] { 1, 1, 1 }, plan.Layers.Select(l => l.Outputs));
        Assert.Equal(1, plan.Layers[0].FoldedNeurons);
        Assert.Equal(1, plan.Layers[1].FoldedNeurons);
        AssertPlanComputesTheModel(model, plan, new Random(2));
    }

    [Fact]
    public void AnEmptyHiddenLayerMakesTheNetworkConstant()
    {
        var model = new PrunedModel(
            ModelTask.Classification,
            new[]
            {
                new DenseLayer(3, 2, Activation.Relu, new[] { 1f, 2f, 3f, 4f, 5f, 6f }, new[] { 0f, 0f }),
                new DenseLayer(2, 2, Activation.LeakyRelu, new float[4], new[] { -1f, 2f }, alpha: 0.5f),
                new DenseLayer(2, 3, Activation.Softmax, new[] { 1f, 0f, 0f, 1f, 1f, 1f }, new[] { 0f, 0f, 0f }),
            });
        Planning.NetworkPlan plan = Plan(model);
        Assert.Equal(2, plan.DroppedLayers);
        Assert.Empty(plan.UsedInputs);
        Assert.Single(plan.Layers);
        Assert.Equal(0, plan.Layers[0].Inputs);
        AssertPlanComputesTheModel(model, plan, new Random(3));
    }

    [Fact]
    public void RandomPlansComputeTheModel()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            PrunedModel model = RandomNetworks.Create(new Random(seed));
            AssertPlanComputesTheModel(model, Plan(model), new Random(seed), "seed " + seed);
        }
    }

    [Theory]
    [InlineData(10, 4, 0.0, "Unrolled")] // 40 weights, fewer outputs than a block of 8
    [InlineData(10, 10, 0.0, "DenseSimd")] // 100 weights: one block of 8 and two rows beat 100 unrolled terms
    [InlineData(16, 16, 0.0, "DenseSimd")] // 256 weights
    [InlineData(20, 20, 0.0, "DenseSimd")] // 400 weights, dense
    [InlineData(30, 5, 0.5, "Unrolled")] // 75 weights
    [InlineData(100, 100, 0.7, "SparseWindows")] // 30% dense: DenseSimd would store pruned weights as zeros
    [InlineData(100, 100, 0.01, "SparseWindows")] // 99% dense
    [InlineData(100, 100, 0.85, "SparseWindows")] // 15% dense
    [InlineData(100, 100, 0.9, "SparseWindows")] // 10% dense
    [InlineData(784, 300, 0.9, "SparseWindows")]
    [InlineData(784, 4, 0.5, "SparseRows")] // fewer outputs than a block, too many weights to unroll
    public void AutoChoosesByNonzerosAndDensity(int inputs, int outputs, double sparsity, string expected)
    {
        PrunedModel model = RandomNetworks.Mlp(new Random(5), new[] { inputs, outputs }, sparsity, ModelTask.Regression);
        Assert.Equal(expected, Plan(model).Layers[0].Kernel.ToString());
    }

    [Fact]
    public void AutoWeighsZeroSkippingAgainstTheOtherKernels()
    {
        // 300 → 100 at 50% density after a ReLU: 50 weights per input, half the inputs zero.
        PrunedModel model = RandomNetworks.Mlp(new Random(9), new[] { 20, 300, 100, 10 }, 0.5);
        Planning.LayerPlan layer = Plan(model).Layers[1];
        double columns = Planning.KernelChoice.Cost(Planning.LayerKernel.SparseColumns, layer, inputsOftenZero: true);
        Assert.True(columns < Planning.KernelChoice.Cost(Planning.LayerKernel.SparseColumns, layer, inputsOftenZero: false));
        Assert.True(columns < Planning.KernelChoice.Cost(Planning.LayerKernel.SparseRows, layer, inputsOftenZero: true));
        // Skipping half the columns still costs more than eight weights per step of SparseWindows.
        Assert.True(Planning.KernelChoice.Cost(Planning.LayerKernel.SparseWindows, layer, inputsOftenZero: true) < columns);
        Assert.Equal(Planning.LayerKernel.SparseWindows, layer.Kernel);

        // The same layer reading inputs that are not ReLU outputs has nothing to skip: Auto may not skip.
        PrunedModel tanh = new(model.Task, new[] { new DenseLayer(20, 300, Activation.Tanh, model.Layers[0].CopyWeights(), model.Layers[0].CopyBias()), model.Layers[1], model.Layers[2] });
        Assert.False(Planning.KernelChoice.Admissible(Planning.LayerKernel.SparseColumns, Plan(tanh).Layers[1], inputsOftenZero: false));
    }

    [Fact]
    public void ForcedUnrolledFallsBackOnLargeLayersWithAWarning()
    {
        PrunedModel model = RandomNetworks.Mlp(new Random(5), new[] { 100, 50, 2 }, 0);
        Planning.NetworkPlan plan = Plan(model, Planning.KernelRequest.Unrolled);
        Assert.Equal(Planning.LayerKernel.SparseRows, plan.Layers[0].Kernel);
        Assert.Equal(Planning.LayerKernel.Unrolled, plan.Layers[1].Kernel);
        Assert.Equal(1, Assert.Single(plan.Warnings).LayerNumber);
    }

    /// <summary>A 24 → 40 → 3 network whose first layer is pruned in blocks of 8 outputs, 75% of blocks gone.</summary>
    private static PrunedModel BlockModel(Action<float[]>? change = null, InputPreprocessing? preprocessing = null)
    {
        var rng = new Random(8);
        float[] w1 = RandomNetworks.Values(rng, 40 * 24, -1, 1);
        for (int b = 0; b < 5; b++)
        {
            for (int i = 0; i < 24; i++)
            {
                if ((b + i) % 4 != 0)
                {
                    for (int j = b * 8; j < (b + 1) * 8; j++)
                    {
                        w1[(j * 24) + i] = 0f;
                    }
                }
            }
        }

        change?.Invoke(w1);
        float[] w2 = RandomNetworks.Values(rng, 3 * 40, -1, 1);
        return new PrunedModel(
            ModelTask.Classification,
            new[]
            {
                new DenseLayer(24, 40, Activation.Relu, w1, RandomNetworks.Values(rng, 40, -0.1f, 0.1f), blockSize: 8),
                new DenseLayer(40, 3, Activation.Softmax, w2, new float[3]),
            },
            preprocessing);
    }

    [Fact]
    public void AutoUsesBlockSparseOnlyWhenEveryKeptBlockIsFull()
    {
        Planning.NetworkPlan plan = Plan(BlockModel());
        Assert.Equal(Planning.LayerKernel.BlockSparse, plan.Layers[0].Kernel);
        Assert.Equal(30, plan.Layers[0].Blocks.KeptBlocks); // 5 blocks × 24 inputs, one in four kept
        Assert.Contains("blockSize 8 in the model file", plan.Layers[0].KernelReason);

        // One zero inside a kept block: the block kernel would store it, so Auto does not use it.
        Planning.NetworkPlan holed = Plan(BlockModel(w => w[0] = 0f));
        Assert.False(holed.Layers[0].Blocks.Aligned);
        Assert.NotEqual(Planning.LayerKernel.BlockSparse, holed.Layers[0].Kernel);
        AssertPlanComputesTheModel(BlockModel(), plan, new Random(4));
    }

    [Fact]
    public void ABlockPrunedLayerLosesNeuronsOnlyWholeBlocksAtATime()
    {
        // Neuron 3 (block 0) and neurons 8-15 (block 1) of layer 1 have no outgoing weights.
        PrunedModel model = BlockModel();
        float[] w2 = model.Layers[1].CopyWeights();
        for (int o = 0; o < 3; o++)
        {
            w2[(o * 40) + 3] = 0f;
            for (int j = 8; j < 16; j++)
            {
                w2[(o * 40) + j] = 0f;
            }
        }

        model = new PrunedModel(model.Task, new[] { model.Layers[0], new DenseLayer(40, 3, Activation.Softmax, w2, new float[3]) });
        Planning.NetworkPlan plan = Plan(model);
        Assert.Equal(32, plan.Layers[0].Outputs); // block 1 gone, neuron 3 kept: blocks stay aligned
        Assert.Equal(8, plan.Layers[0].RemovedNeurons);
        Assert.Equal(Planning.LayerKernel.BlockSparse, plan.Layers[0].Kernel);
        AssertPlanComputesTheModel(model, plan, new Random(5));
    }

    [Fact]
    public void PreprocessingNearZeroIsFoldedIntoTheFirstLayer()
    {
        var rng = new Random(6);
        PrunedModel near = BlockModel(preprocessing: new InputPreprocessing(RandomNetworks.Values(rng, 24, -2, 2), RandomNetworks.Values(rng, 24, 0.5f, 2f)));
        Planning.NetworkPlan folded = Plan(near);
        Assert.True(folded.PreprocessingFolded);
        Assert.Null(folded.InputShift);
        Assert.True(folded.ReadsInputDirectly);
        AssertPlanComputesTheModel(near, folded, new Random(7));

        // A raw zero 60 standard deviations from the mean: folding would cancel digits away.
        PrunedModel far = BlockModel(preprocessing: new InputPreprocessing(Enumerable.Repeat(120f, 24).ToArray(), Enumerable.Repeat(0.5f, 24).ToArray()));
        Planning.NetworkPlan kept = Plan(far);
        Assert.False(kept.PreprocessingFolded);
        Assert.NotNull(kept.InputShift);
        AssertPlanComputesTheModel(far, kept, new Random(7));
    }

    [Fact]
    public void AnIndexedFirstLayerReadsRawFeaturesInPlace()
    {
        // SparseNet: feature 5 is read by no weight; SparseRows addresses features by index.
        Planning.NetworkPlan plan = Plan(SnapshotTests.SparseNet(), Planning.KernelRequest.SparseRows);
        Assert.True(plan.ReadsInputDirectly);
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, plan.Layers[0].InputIndices);

        // DenseSimd reads its inputs contiguously: the used features are gathered first.
        Planning.NetworkPlan dense = Plan(SnapshotTests.SparseNet(), Planning.KernelRequest.DenseSimd);
        Assert.False(dense.ReadsInputDirectly);
        Assert.Null(dense.Layers[0].InputIndices);
    }

    /// <summary>Evaluates the plan in double, as the reference interpreter does, and compares.</summary>
    private static void AssertPlanComputesTheModel(PrunedModel model, Planning.NetworkPlan plan, Random rng, string context = "")
    {
        for (int row = 0; row < 5; row++)
        {
            float[] input = RandomNetworks.Values(rng, model.InputSize, -3, 3);
            var expected = new float[model.OutputSize];
            model.Predict(input, expected);

            float[] x = plan.UsedInputs.Select((i, n) => plan.InputShift == null ? input[i] : (input[i] - plan.InputShift[n]) * plan.InputScale![n]).ToArray();
            foreach (Planning.LayerPlan layer in plan.Layers)
            {
                var y = new float[layer.Outputs];
                for (int j = 0; j < layer.Outputs; j++)
                {
                    double sum = layer.Bias[j];
                    for (int i = 0; i < layer.Inputs; i++)
                    {
                        sum += (double)layer.Weight(j, i) * x[i];
                    }

                    y[j] = (float)sum;
                }

                if (layer.Activation == G.Activation.Softmax)
                {
                    double max = y.Max();
                    double total = y.Sum(v => Math.Exp(v - max));
                    y = y.Select(v => (float)(Math.Exp(v - max) / total)).ToArray();
                }
                else
                {
                    y = y.Select(v => G.ActivationFunction.Apply(layer.Activation, layer.Alpha, v)).ToArray();
                }

                x = y;
            }

            if (model.Postprocessing != null)
            {
                x = x.Select((v, j) => (v * model.Postprocessing.Scale[j]) + model.Postprocessing.Shift[j]).ToArray();
            }

            Assert.True(OutputAgreement.Agrees(x, expected, out string why), context + " row " + row + ": " + why);
        }
    }
    [Fact]
    public void ASmallNetworkIsStraightLineCodeUnlessTheAttributeSaysOtherwise()
    {
        // 8-10-1 dense: a vector layer, then an unrolled one, in one method.
        PrunedModel tiny = RandomNetworks.Mlp(new Random(5), new[] { 8, 10, 1 }, 0.0, ModelTask.Regression);
        Planning.NetworkPlan plan = Plan(tiny, straightLine: true);
        Assert.True(plan.StraightLine);
        Assert.Equal(new[] { Planning.LayerKernel.DenseSimd, Planning.LayerKernel.Unrolled }, plan.Layers.Select(l => l.Kernel));
        Assert.False(Plan(tiny, straightLine: false).StraightLine);

        // Sparse layers are unrolled in straight-line code (no pruned weight as a zero in a vector).
        PrunedModel sparse = RandomNetworks.Mlp(new Random(6), new[] { 64, 32, 10 }, 0.6); // about 950 weights
        Planning.NetworkPlan sparsePlan = Plan(sparse, straightLine: true);
        Assert.True(sparsePlan.StraightLine);
        Assert.All(sparsePlan.Layers, l => Assert.Equal(Planning.LayerKernel.Unrolled, l.Kernel));

        // Kernels that straight-line code does not have, and networks too large for it, keep one method per layer.
        Assert.False(Plan(tiny, Planning.KernelRequest.SparseRows, straightLine: true).StraightLine);
        Assert.True(Plan(tiny, Planning.KernelRequest.DenseSimd, straightLine: true).StraightLine);
        // 64-32-10 dense fits as vectors; its scalar twin (2,368 terms) is one method per layer.
        Planning.NetworkPlan dense = Plan(RandomNetworks.Mlp(new Random(7), new[] { 64, 32, 10 }, 0.0), straightLine: true);
        Assert.True(dense.StraightLine);
        Assert.True(dense.ScalarTwinPerLayer);
        Assert.False(plan.ScalarTwinPerLayer);
        PrunedModel large = RandomNetworks.Mlp(new Random(7), new[] { 100, 60, 10 }, 0.0);
        Assert.False(Plan(large, straightLine: true).StraightLine); // 6,600 weights
        // Unrolled layers have at most 1,024 terms in all: forced Unrolled on 64-32-10 dense is not straight-line.
        Assert.False(Plan(RandomNetworks.Mlp(new Random(7), new[] { 64, 32, 10 }, 0.0), Planning.KernelRequest.Unrolled, straightLine: true).StraightLine);
        // A forced DenseSimd multiplies the zeros it stores: about 2,000 nonzero weights, 6,600 multiply-adds.
        PrunedModel stored = RandomNetworks.Mlp(new Random(8), new[] { 100, 60, 10 }, 0.7);
        Assert.False(Plan(stored, Planning.KernelRequest.DenseSimd, straightLine: true).StraightLine);
        Assert.True(Plan(sparse, Planning.KernelRequest.Unrolled, straightLine: true).StraightLine);
    }
}
