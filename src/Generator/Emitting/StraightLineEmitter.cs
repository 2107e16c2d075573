using System;
using System.Collections.Generic;
using System.Linq;
using Prunet.Generator.Planning;
using static Prunet.Generator.Emitting.CSharpNames;

namespace Prunet.Generator.Emitting;

/// <summary>
/// Writes a small network (<see cref="NetworkPlan.StraightLine"/>) as one method of straight-line
/// code: every input and activation is a local, so that no call, span or stack scratch sits
/// between the layers, which is most of the time of a network this small. Unrolled layers are
/// scalar terms with the weights as literals; DenseSimd layers compute eight outputs per
/// <c>Vector256</c>, one broadcast input times a constant vector of weights. A network with a
/// DenseSimd layer also gets a scalar method for CPUs without 256-bit vectors.
/// </summary>
internal static class StraightLineEmitter
{
    private const int Width = BlockStructure.Width;

    /// <summary>Independent vector sums per layer: two FMA pipes of four cycles' latency keep eight busy.</summary>
    private const int VectorChains = 8;

    /// <summary>Writes <c>Forward</c> (and its vector and scalar bodies); <paramref name="layerComment"/> writes a layer's comment.</summary>
    public static void Emit(SourceWriter w, NetworkPlan plan, HashSet<string> helpers, Action<LayerPlan> layerComment)
    {
        if (!plan.Layers.Any(l => l.Kernel == LayerKernel.DenseSimd))
        {
            w.Line("/// <summary>One prediction; the caller has checked the lengths. Straight-line code, every activation in a local.</summary>");
            EmitMethod(w, plan, "public static void Forward", vector: false, helpers, layerComment);
            return;
        }

        w.Line("/// <summary>One prediction; the caller has checked the lengths.</summary>");
        w.Line(Inline);
        w.Open("public static void Forward(" + ReadOnlySpan + " input, " + Span + " output)");
        w.Line("// A JIT-time constant: only the method called is ever compiled.");
        w.Open("if (Vector256.IsHardwareAccelerated)");
        w.Line("ForwardVector(input, output);");
        w.Close();
        w.Open("else");
        w.Line("ForwardScalar(input, output);");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Straight-line code, every activation in a local; in DenseSimd layers eight outputs per 256-bit vector.</summary>");
        EmitMethod(w, plan, "private static void ForwardVector", vector: true, helpers, layerComment);
        if (!plan.ScalarTwinPerLayer)
        {
            w.Line();
            w.Line("/// <summary>The same network for CPUs without 256-bit vectors: every layer as scalar terms.</summary>");
            EmitMethod(w, plan, "private static void ForwardScalar", vector: false, helpers, layer => w.Line("// Layer " + layer.Number + ": " + layer.Inputs + " → " + layer.Outputs + "."));
        }
    }

    /// <summary>What a layer hands to the next: one expression per value, or vectors of eight values.</summary>
    private sealed class Values
    {
        public Values(List<string> scalars) => Scalars = scalars;

        public Values(List<string> vectors, int count)
        {
            Vectors = vectors;
            Count = count;
        }

        public List<string>? Scalars { get; }

        public List<string>? Vectors { get; }

        public int Count { get; }
    }

    private static void EmitMethod(SourceWriter w, NetworkPlan plan, string signature, bool vector, HashSet<string> helpers, Action<LayerPlan> layerComment)
    {
        PrunedModel model = plan.Model;
        w.OptimizedMethod();
        w.Open(signature + "(" + ReadOnlySpan + " input, " + Span + " output)");
        bool readsInput = plan.DroppedLayers == 0 && plan.UsedInputs.Length > 0;
        if (readsInput)
        {
            w.Line(RefTo("float", "raw", "input"));
        }

        w.Line(RefTo("float", "ys", "output"));
        List<Form> forms = Forms(plan, vector);
        int accumulators = 0;
        for (int k = 0; k < forms.Count; k++)
        {
            if (forms[k] == Form.Unrolled)
            {
                accumulators = Math.Max(accumulators, LayerEmitter.UnrolledAccumulators(plan.Layers[k], 0, plan.Layers[k].Outputs));
            }
        }

        if (accumulators > 0)
        {
            w.Line("float " + string.Join(", ", LayerEmitter.Names("s", accumulators)) + ";");
        }

        Values current = Inputs(w, plan, readsInput);
        for (int k = 0; k < forms.Count; k++)
        {
            LayerPlan layer = plan.Layers[k];
            w.Line();
            layerComment(layer);
            switch (forms[k])
            {
                case Form.Vector:
                    current = VectorLayer(w, plan, layer, current, helpers);
                    break;
                case Form.Dot:
                    w.Line("// As dot products: per output, a multiply-add per vector of 8 inputs and a horizontal sum.");
                    current = DotLayer(w, plan, layer, current, helpers);
                    break;
                default:
                    current = UnrolledLayer(w, plan, layer, Scalars(w, layer, current), helpers);
                    break;
            }
        }

        bool softmaxDone = forms[forms.Count - 1] == Form.Vector && VectorSoftmax(plan, plan.Layers[plan.Layers.Count - 1]);
        if (model.Layers[model.Layers.Count - 1].Activation == Activation.Softmax && !softmaxDone)
        {
            helpers.Add("Softmax");
            w.Line("Softmax(output);");
            // Postprocessing comes after the softmax, as in the interpreter.
            for (int j = 0; model.Postprocessing != null && j < model.OutputSize; j++)
            {
                w.Line(At("ys", SourceWriter.Int(j)) + " = " + PostprocessedAlways(plan, j, At("ys", SourceWriter.Int(j))) + ";");
            }
        }

        w.Close();
    }

    /// <summary>How a layer is written in straight-line code.</summary>
    private enum Form
    {
        /// <summary>Scalar terms over scalar inputs.</summary>
        Unrolled,

        /// <summary>Eight outputs per vector (DenseSimd, in the vector method).</summary>
        Vector,

        /// <summary>Scalar outputs, each a dot product over the previous layer's vectors.</summary>
        Dot,
    }

    /// <summary>The form of each layer: vectors only in the vector method, dot products where cheaper after vectors.</summary>
    private static List<Form> Forms(NetworkPlan plan, bool vector)
    {
        var forms = new List<Form>(plan.Layers.Count);
        int vectorsIn = 0; // vectors the previous layer hands on, 0 for scalars
        foreach (LayerPlan layer in plan.Layers)
        {
            if (vector && layer.Kernel == LayerKernel.DenseSimd)
            {
                forms.Add(Form.Vector);
                vectorsIn = HandsOnVectors(layer) ? (layer.Outputs + Width - 1) / Width : 0;
            }
            else
            {
                forms.Add(vectorsIn > 0 && DotIsCheaper(layer, vectorsIn) ? Form.Dot : Form.Unrolled);
                vectorsIn = 0;
            }
        }

        return forms;
    }

    /// <summary>ReLU and linear layers hand vectors on; other activations are applied lane by lane.</summary>
    private static bool HandsOnVectors(LayerPlan layer)
        => layer.Activation == Activation.Relu || layer.Activation == Activation.Linear || layer.Activation == Activation.Softmax;

    /// <summary>The first layer's inputs: preprocessed into locals, or the raw features read in place.</summary>
    private static Values Inputs(SourceWriter w, NetworkPlan plan, bool readsInput)
    {
        var inputs = new List<string>();
        if (!readsInput)
        {
            return new Values(inputs);
        }

        int skipped = plan.Model.InputSize - plan.UsedInputs.Length;
        string skippedNote = skipped == 0 ? string.Empty : "; " + SourceWriter.Plural(skipped, "feature") + " read by no weight " + (skipped == 1 ? "is" : "are") + " skipped";
        if (plan.InputShift == null)
        {
            w.Line("// Input: " + plan.Model.InputSize + " raw features, read in place" + skippedNote + (plan.PreprocessingFolded ? "; the preprocessing is folded into layer 1." : "."));
            inputs.AddRange(plan.UsedInputs.Select(f => At("raw", SourceWriter.Int(f))));
            return new Values(inputs);
        }

        w.Line("// Input: " + plan.Model.InputSize + " raw features" + skippedNote + "; x' = (x - shift) * scale per feature.");
        for (int n = 0; n < plan.UsedInputs.Length; n++)
        {
            float shift = plan.InputShift[n];
            string centred = shift < 0f ? " + " + SourceWriter.Float(-shift) : " - " + SourceWriter.Float(shift);
            w.Line("float x" + n + " = (" + At("raw", SourceWriter.Int(plan.UsedInputs[n])) + centred + ") * " + SourceWriter.Float(plan.InputScale![n]) + ";");
            inputs.Add("x" + n);
        }

        return new Values(inputs);
    }

    /// <summary>The layer's inputs as scalars: a vector's lanes that a weight reads become locals.</summary>
    private static List<string> Scalars(SourceWriter w, LayerPlan layer, Values values)
    {
        if (values.Scalars != null)
        {
            return values.Scalars;
        }

        var scalars = new List<string>(layer.Inputs);
        for (int i = 0; i < layer.Inputs; i++)
        {
            string name = "h" + (layer.Number - 1) + "_" + i;
            if (layer.ColumnNonzeros(i) > 0)
            {
                w.Line("float " + name + " = " + values.Vectors![i / Width] + ".GetElement(" + (i % Width) + ");");
            }

            scalars.Add(name);
        }

        return scalars;
    }

    private static Values UnrolledLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer, List<string> inputs, HashSet<string> helpers)
    {
        var outputs = new List<string>(layer.Outputs);
        for (int j = 0; j < layer.Outputs; j++)
        {
            string name = "h" + layer.Number + "_" + j;
            LayerEmitter.UnrolledRow(w, layer, j, i => inputs[i], layer.IsLast ? At("ys", SourceWriter.Int(j)) : "float " + name, z => Finish(plan, layer, j, z, helpers), helpers);
            outputs.Add(name);
        }

        return new Values(outputs);
    }

    /// <summary>
    /// A dense layer after a vector layer, with few outputs: each output is one dot product over
    /// the input vectors (a multiply-add per vector of eight inputs and a horizontal sum), instead
    /// of taking every input out of its vector first.
    /// </summary>
    private static bool DotIsCheaper(LayerPlan layer, int vectors)
    {
        if (layer.Nonzeros != (long)layer.Inputs * layer.Outputs || layer.Inputs == 0)
        {
            return false; // a dot product would multiply the pruned weights as zeros
        }

        long dot = (long)layer.Outputs * (vectors + 6);
        long extract = (2L * layer.Inputs) + layer.Nonzeros;
        return dot < extract;
    }

    private static Values DotLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer, Values input, HashSet<string> helpers)
    {
        helpers.Add("MultiplyAdd");
        var outputs = new List<string>(layer.Outputs);
        for (int j = 0; j < layer.Outputs; j++)
        {
            string sum = input.Vectors![0] + " * " + WeightVector(layer, j, 0);
            for (int b = 1; b < input.Vectors.Count; b++)
            {
                sum = "MultiplyAdd(" + input.Vectors[b] + ", " + WeightVector(layer, j, b) + ", " + sum + ")";
            }

            string z = (layer.Bias[j] == 0f ? string.Empty : SourceWriter.Float(layer.Bias[j]) + " + ") + "Vector256.Sum(" + sum + ")";
            string name = "h" + layer.Number + "_" + j;
            w.Line((layer.IsLast ? At("ys", SourceWriter.Int(j)) : "float " + name) + " = " + Finish(plan, layer, j, z, helpers) + ";");
            outputs.Add(name);
        }

        return new Values(outputs);
    }

    /// <summary>
    /// Eight outputs per vector, input after input: each input is broadcast once and multiplied by
    /// the constant vector of its weights into every vector of outputs, each vector with a few
    /// independent sums (a&lt;vector&gt;&lt;sum&gt;). The last vector's lanes past the layer's outputs compute
    /// zeros (zero weights and bias) that nothing reads.
    /// </summary>
    private static Values VectorLayer(SourceWriter w, NetworkPlan plan, LayerPlan layer, Values input, HashSet<string> helpers)
    {
        helpers.Add("MultiplyAdd");
        int blocks = (layer.Outputs + Width - 1) / Width;
        int chains = Math.Max(1, Math.Min(4, (VectorChains + blocks - 1) / blocks));
        bool vectorOut = HandsOnVectors(layer);
        var vectors = Enumerable.Range(0, blocks).Select(b => "v" + layer.Number + "_" + b).ToList();
        var scalars = Enumerable.Range(0, layer.Outputs).Select(j => "h" + layer.Number + "_" + j).ToList();
        w.Line("// Outputs in " + SourceWriter.Plural(blocks, "vector") + " of 8" + (layer.Outputs % Width == 0 ? string.Empty : " (the last one's lanes " + (layer.Outputs % Width) + " to 7 are not outputs)") + ".");
        w.Line(vectorOut ? Vector256Float + " " + string.Join(", ", vectors) + ";" : "float " + string.Join(", ", scalars) + ";");
        w.OpenBlock();
        for (int b = 0; b < blocks; b++)
        {
            int first = b * Width;
            int lanes = Math.Min(Width, layer.Outputs - first);
            var sums = Enumerable.Range(0, chains).Select(c => "a" + b + c + " = " + (c == 0 ? BiasVector(layer, first, lanes) : Vector256Float + ".Zero"));
            w.Line(Vector256Float + " " + string.Join(", ", sums) + ";");
        }

        if (Enumerable.Range(0, layer.Inputs).Any(i => layer.ColumnNonzeros(i) > 0))
        {
            w.Line(Vector256Float + " broadcast;");
        }

        if (!vectorOut)
        {
            w.Line(Vector256Float + " z;");
        }

        int used = 0;
        for (int i = 0; i < layer.Inputs; i++)
        {
            if (layer.ColumnNonzeros(i) == 0)
            {
                continue;
            }

            w.Line("broadcast = " + Broadcast(input, i) + ";");
            for (int b = 0; b < blocks; b++)
            {
                int first = b * Width;
                int lanes = Math.Min(Width, layer.Outputs - first);
                if (Enumerable.Range(first, lanes).All(j => layer.Weight(j, i) == 0f))
                {
                    continue; // every weight from this input into these outputs is pruned
                }

                string a = "a" + b + (used % chains);
                w.Line(a + " = MultiplyAdd(broadcast, " + ColumnVector(layer, first, lanes, i) + ", " + a + ");");
            }

            used++;
        }

        for (int b = 0; b < blocks; b++)
        {
            int first = b * Width;
            int lanes = Math.Min(Width, layer.Outputs - first);
            string z = LayerEmitter.Combine("a" + b, chains);
            if (vectorOut && layer.Activation == Activation.Relu)
            {
                w.Line(vectors[b] + " = " + z + ";");
                w.Line(vectors[b] + " = Vector256.GreaterThan(" + vectors[b] + ", " + Vector256Float + ".Zero) & " + vectors[b] + ";");
            }
            else if (vectorOut)
            {
                w.Line(vectors[b] + " = " + z + ";");
            }
            else
            {
                w.Line("z = " + z + ";");
                for (int l = 0; l < lanes; l++)
                {
                    w.Line(scalars[first + l] + " = " + LayerEmitter.Activate(layer, "z.GetElement(" + l + ")", helpers) + ";");
                }
            }
        }

        w.Close();
        if (!layer.IsLast)
        {
            return vectorOut ? new Values(vectors, layer.Outputs) : new Values(scalars);
        }

        if (VectorSoftmax(plan, layer))
        {
            EmitVectorSoftmax(w, layer, vectors, helpers);
        }

        // The output layer: whole vectors are stored as they are; the lanes of a partial one, or
        // values still to be postprocessed, one by one.
        for (int b = 0; b < blocks; b++)
        {
            int first = b * Width;
            int lanes = Math.Min(Width, layer.Outputs - first);
            if (vectorOut && lanes == Width && plan.Model.Postprocessing == null)
            {
                w.Line(vectors[b] + ".StoreUnsafe(ref ys" + (first == 0 ? string.Empty : ", " + first) + ");");
                continue;
            }

            for (int l = 0; l < lanes; l++)
            {
                string value = vectorOut ? vectors[b] + ".GetElement(" + l + ")" : scalars[first + l];
                w.Line(At("ys", SourceWriter.Int(first + l)) + " = " + Postprocessed(plan, first + l, value) + ";");
            }
        }

        return new Values(scalars);
    }

    /// <summary>
    /// A softmax output layer computed in vectors, in the vector method: the softmax helper's ten
    /// <c>MathF.Exp</c> calls and divisions were about 60% of 64-32-10's time. Not with
    /// postprocessing (which a regression model with a softmax output applies after it).
    /// </summary>
    private static bool VectorSoftmax(NetworkPlan plan, LayerPlan layer)
        => layer.IsLast && layer.Activation == Activation.Softmax && plan.Model.Postprocessing == null;

    /// <summary>
    /// Softmax over the output vectors: lanes past the outputs become -infinity (their exponential
    /// is 0), the largest value is subtracted (so that the exponential cannot overflow), then each
    /// lane is divided by the sum.
    /// </summary>
    private static void EmitVectorSoftmax(SourceWriter w, LayerPlan layer, List<string> vectors, HashSet<string> helpers)
    {
        helpers.Add("VectorExp");
        helpers.Add("MaxAcross");
        w.Line("// Softmax in the vectors" + (layer.Outputs % Width == 0 ? "." : ": the lanes past the outputs count as -infinity, so that their exponential is 0."));
        int partial = layer.Outputs % Width;
        if (partial != 0)
        {
            string last = vectors[vectors.Count - 1];
            string mask = "Vector256.Create(" + string.Join(", ", Enumerable.Range(0, Width).Select(l => l < partial ? "-1" : "0")) + ").AsSingle()";
            w.Line(last + " = Vector256.ConditionalSelect(" + mask + ", " + last + ", Vector256.Create(float.NegativeInfinity));");
        }

        string peak = vectors[0];
        for (int b = 1; b < vectors.Count; b++)
        {
            peak = "Vector256.Max(" + peak + ", " + vectors[b] + ")";
        }

        w.Line(Vector256Float + " peak = MaxAcross(" + peak + ");");
        foreach (string v in vectors)
        {
            w.Line(v + " = Exp(" + v + " - peak);");
        }

        w.Line(Vector256Float + " total = Vector256.Create(Vector256.Sum(" + string.Join(" + ", vectors) + "));");
        foreach (string v in vectors)
        {
            w.Line(v + " /= total;");
        }
    }

    /// <summary>Input i in every lane: from a scalar, or from its lane of a vector (one vpermps with AVX2).</summary>
    private static string Broadcast(Values input, int i)
        => input.Scalars != null ? "Vector256.Create(" + input.Scalars[i] + ")" : "Vector256.Shuffle(" + input.Vectors![i / Width] + ", Vector256.Create(" + (i % Width) + "))";

    /// <summary>The activation, and for the output layer the postprocessing, applied to z.</summary>
    private static string Finish(NetworkPlan plan, LayerPlan layer, int j, string z, HashSet<string> helpers)
    {
        string value = LayerEmitter.Activate(layer, z, helpers);
        return layer.IsLast ? Postprocessed(plan, j, value) : value;
    }

    /// <summary>y = y' * scale + shift, as the interpreter computes it (not fused); after the softmax, if there is one.</summary>
    private static string Postprocessed(NetworkPlan plan, int j, string value)
        => plan.Model.Layers[plan.Model.Layers.Count - 1].Activation == Activation.Softmax ? value : PostprocessedAlways(plan, j, value);

    private static string PostprocessedAlways(NetworkPlan plan, int j, string value)
    {
        OutputPostprocessing? post = plan.Model.Postprocessing;
        return post == null ? value : "((" + value + ") * " + SourceWriter.Float(post.Scale[j]) + ") + " + SourceWriter.Float(post.Shift[j]);
    }

    private static bool HasBias(LayerPlan layer, int first, int lanes) => Enumerable.Range(first, lanes).Any(j => layer.Bias[j] != 0f);

    private static string BiasVector(LayerPlan layer, int first, int lanes)
        => HasBias(layer, first, lanes) ? Vector(Enumerable.Range(first, lanes).Select(j => layer.Bias[j])) : Vector256Float + ".Zero";

    /// <summary>The weights from input i to outputs first to first + lanes - 1.</summary>
    private static string ColumnVector(LayerPlan layer, int first, int lanes, int i) => Vector(Enumerable.Range(first, lanes).Select(j => layer.Weight(j, i)));

    /// <summary>The weights into output j from inputs 8b to 8b + 7.</summary>
    private static string WeightVector(LayerPlan layer, int j, int b)
        => Vector(Enumerable.Range(b * Width, Math.Min(Width, layer.Inputs - (b * Width))).Select(i => layer.Weight(j, i)));

    /// <summary><c>Vector256.Create(...)</c> of up to eight constants, zeros after them (the JIT makes it a constant in the data section).</summary>
    private static string Vector(IEnumerable<float> values)
    {
        List<string> lanes = values.Select(SourceWriter.Float).ToList();
        while (lanes.Count < Width)
        {
            lanes.Add("0f");
        }

        return "Vector256.Create(" + string.Join(", ", lanes) + ")";
    }
}
