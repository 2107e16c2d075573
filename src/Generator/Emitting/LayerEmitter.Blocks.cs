using System.Collections.Generic;
using Prunet.Generator.Planning;
using static Prunet.Generator.Emitting.CSharpNames;

namespace Prunet.Generator.Emitting;

/// <summary>
/// The kernels over blocks of eight outputs (<see cref="BlockStructure.Width"/>, one
/// <c>Vector256&lt;float&gt;</c>): one input broadcast to all lanes, times the eight weights from
/// that input to the block's outputs, added into a vector of the block's eight sums. No
/// horizontal sum, and one broadcast serves several blocks. Outputs after the last whole block
/// (the tail) are computed row by row. Each kernel has a scalar path for CPUs without 256-bit
/// vectors (<c>Vector256.IsHardwareAccelerated</c> is a JIT-time constant: one path is compiled).
/// </summary>
internal static partial class LayerEmitter
{
    private const int Lanes = BlockStructure.Width;

    /// <summary>Blocks of outputs per pass of the dense kernel: four FMAs per broadcast, eight accumulators.</summary>
    private const int DenseGroup = 4;

    private static void EmitDenseSimd(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        string name = MethodName(layer);
        int inputs = layer.Inputs;
        int blocks = layer.Blocks.Blocks;
        int whole = blocks * Lanes;
        int stride = inputs * Lanes;
        helpers.Add("MultiplyAdd");
        if (blocks > 0)
        {
            var values = new List<float>(blocks * stride);
            for (int b = 0; b < blocks; b++)
            {
                for (int i = 0; i < inputs; i++)
                {
                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        values.Add(layer.Weight((b * Lanes) + lane, i));
                    }
                }
            }

            w.Line("/// <summary>");
            w.Line("/// The weights of outputs 0 to " + (whole - 1) + " of " + name + " in blocks of 8 outputs: block after block, and in a");
            w.Line("/// block input after input, the 8 weights from that input (" + inputs + " × 8 = " + stride + " floats per block); pruned weights as zeros.");
            w.Line("/// </summary>");
            FloatTable(w, name + "Weights", values);
            w.Line();
            AlignedCopy(w, name + "Weights", helpers);
        }

        EmitTailTables(w, layer, dense: true);
        FloatTable(w, name + "Bias", layer.Bias);
        w.Line();
        LayerMethod(w, name);
        w.Line(RefTo("float", "xs", "x"));
        w.Line(RefTo("float", "ys", "y"));
        w.Line(RefTo("float", "bias", name + "Bias"));
        if (blocks > 0)
        {
            w.Line("// A JIT-time constant: the JIT compiles one branch and drops the other.");
            w.Open("if (Vector256.IsHardwareAccelerated)");
            w.Line(RefToAligned("weights", name + "Weights"));
            w.Line("int b = 0;");
            if (blocks >= DenseGroup)
            {
                w.Line("// " + DenseGroup + " blocks (32 outputs) per pass: each broadcast input feeds " + DenseGroup + " multiply-adds; two");
                w.Line("// accumulators per block (even and odd inputs) hide the latency of the adds.");
                w.Open("for (; b + " + DenseGroup + " <= " + blocks + "; b += " + DenseGroup + ")");
                w.Line("ref float block = ref " + At("weights", "b * " + stride) + ";");
                w.Line(Vector256Float + " " + string.Join(", ", Names("a", DenseGroup, " = " + Vector256Float + ".Zero")) + ";");
                if (inputs > 1)
                {
                    w.Line(Vector256Float + " " + string.Join(", ", Names("c", DenseGroup, " = " + Vector256Float + ".Zero")) + ";");
                }

                w.Line("int i = 0;");
                if (inputs > 1)
                {
                    w.Open("for (; i <= " + (inputs - 2) + "; i += 2)");
                    w.Line("ref float wi = ref " + At("block", "i * " + Lanes) + ";");
                    w.Line(Vector256Float + " x0 = Vector256.Create(" + At("xs", "i") + ");");
                    w.Line(Vector256Float + " x1 = Vector256.Create(" + At("xs", "i + 1") + ");");
                    for (int g = 0; g < DenseGroup; g++)
                    {
                        w.Line("a" + g + " = MultiplyAdd(x0, " + Load("wi", g * stride) + ", a" + g + ");");
                    }

                    for (int g = 0; g < DenseGroup; g++)
                    {
                        w.Line("c" + g + " = MultiplyAdd(x1, " + Load("wi", (g * stride) + Lanes) + ", c" + g + ");");
                    }

                    w.Close();
                }

                if (inputs % 2 == 1)
                {
                    w.Open("if (i < " + inputs + ")");
                    w.Line("ref float wi = ref " + At("block", "i * " + Lanes) + ";");
                    w.Line(Vector256Float + " x0 = Vector256.Create(" + At("xs", "i") + ");");
                    for (int g = 0; g < DenseGroup; g++)
                    {
                        w.Line("a" + g + " = MultiplyAdd(x0, " + Load("wi", g * stride) + ", a" + g + ");");
                    }

                    w.Close();
                }

                for (int g = 0; g < DenseGroup; g++)
                {
                    string sum = inputs > 1 ? "(a" + g + " + c" + g + ")" : "a" + g;
                    StoreBlock(w, layer, "b * " + Lanes + (g == 0 ? string.Empty : " + " + (g * Lanes)), sum, "z" + g);
                }

                w.Close();
            }

            if (blocks % DenseGroup != 0)
            {
                w.Line("// The remaining blocks one at a time, with four accumulators over the inputs.");
                w.Open("for (; b < " + blocks + "; b++)");
                w.Line("ref float block = ref " + At("weights", "b * " + stride) + ";");
                w.Line(Vector256Float + " " + string.Join(", ", Names("a", 4, " = " + Vector256Float + ".Zero")) + ";");
                w.Line("int i = 0;");
                if (inputs >= 4)
                {
                    w.Open("for (; i <= " + (inputs - 4) + "; i += 4)");
                    w.Line("ref float wi = ref " + At("block", "i * " + Lanes) + ";");
                    for (int a = 0; a < 4; a++)
                    {
                        string i = a == 0 ? "i" : "i + " + a;
                        w.Line("a" + a + " = MultiplyAdd(Vector256.Create(" + At("xs", i) + "), " + Load("wi", a * Lanes) + ", a" + a + ");");
                    }

                    w.Close();
                }

                w.Open("for (; i < " + inputs + "; i++)");
                w.Line("a0 = MultiplyAdd(Vector256.Create(" + At("xs", "i") + "), Vector256.LoadUnsafe(ref block, (nuint)(i * " + Lanes + ")), a0);");
                w.Close();
                StoreBlock(w, layer, "b * " + Lanes, "((a0 + a1) + (a2 + a3))");
                w.Close();
            }

            w.Close();
            w.Open("else");
            w.Line(RefTo("float", "weights", name + "Weights"));
            w.Open("for (int b = 0; b < " + blocks + "; b++)");
            w.Line("ref float block = ref " + At("weights", "b * " + stride) + ";");
            ScalarBlock(w, layer, helpers, "0", inputs.ToString(System.Globalization.CultureInfo.InvariantCulture), "i", "Unsafe.Add(ref xs, i)", "i * " + Lanes);
            w.Close();
            w.Close();
            ActivationPass(w, layer, 0, whole, helpers, reluDone: true);
        }

        EmitTailRows(w, layer, helpers, dense: true);
        FinishLayer(w, layer, helpers);
        w.Close();
    }

    private static void EmitBlockSparse(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        string name = MethodName(layer);
        BlockStructure structure = layer.Blocks;
        int blocks = structure.Blocks;
        int whole = blocks * Lanes;
        string columnType = IndexType(layer.InputSpan);
        helpers.Add("MultiplyAdd");
        if (blocks > 0)
        {
            var values = new List<float>();
            var columns = new List<long>();
            var starts = new List<long>(blocks + 1) { 0 };
            for (int b = 0; b < blocks; b++)
            {
                for (int i = 0; i < layer.Inputs; i++)
                {
                    bool kept = false;
                    for (int lane = 0; lane < Lanes; lane++)
                    {
                        kept |= layer.Weight((b * Lanes) + lane, i) != 0f;
                    }

                    if (kept)
                    {
                        for (int lane = 0; lane < Lanes; lane++)
                        {
                            values.Add(layer.Weight((b * Lanes) + lane, i));
                        }

                        columns.Add(layer.InputIndex(i));
                    }
                }

                starts.Add(columns.Count);
            }

            w.Line("/// <summary>");
            w.Line("/// The kept blocks of outputs 0 to " + (whole - 1) + " of " + name + ": for each block of 8 outputs, for each input");
            w.Line("/// with a nonzero weight into it, the 8 weights from that input (" + SourceWriter.Plural(columns.Count, "block") + "; pruned blocks are absent).");
            w.Line("/// </summary>");
            FloatTable(w, name + "Weights", values);
            w.Line();
            AlignedCopy(w, name + "Weights", helpers);
            w.Line("/// <summary>The input each kept block of " + name + "Weights reads.</summary>");
            IntTable(w, columnType, name + "Columns", columns);
            w.Line();
            w.Line("/// <summary>Where each block of outputs' kept blocks start in " + name + "Columns; the last entry is the end.</summary>");
            IntTable(w, "int", name + "BlockStarts", starts);
            w.Line();
        }

        EmitTailTables(w, layer, dense: false);
        FloatTable(w, name + "Bias", layer.Bias);
        w.Line();
        LayerMethod(w, name);
        w.Line(RefTo("float", "xs", "x"));
        w.Line(RefTo("float", "ys", "y"));
        if (blocks > 0)
        {
            w.Line(RefTo(columnType, "columns", name + "Columns"));
            w.Line(RefTo("int", "starts", name + "BlockStarts"));
        }

        w.Line(RefTo("float", "bias", name + "Bias"));
        if (blocks > 0)
        {
            w.Line("// A JIT-time constant: the JIT compiles one branch and drops the other.");
            w.Open("if (Vector256.IsHardwareAccelerated)");
            w.Line(RefToAligned("weights", name + "Weights"));
            w.Open("for (int b = 0; b < " + blocks + "; b++)");
            w.Line("nint k = " + At("starts", "b") + ";");
            w.Line("nint end = " + At("starts", "b + 1") + ";");
            w.Line("// Four accumulators: each step is three loads (index, input, weights) for eight multiply-adds.");
            w.Line(Vector256Float + " " + string.Join(", ", Names("a", 4, " = " + Vector256Float + ".Zero")) + ";");
            w.Open("for (; k <= end - 4; k += 4)");
            w.Line("ref float wk = ref " + At("weights", "k * " + Lanes) + ";");
            w.Line("ref " + columnType + " ck = ref " + At("columns", "k") + ";");
            for (int a = 0; a < 4; a++)
            {
                string column = a == 0 ? "ck" : At("ck", SourceWriter.Int(a));
                string load = Load("wk", a * Lanes);
                w.Line("a" + a + " = MultiplyAdd(Vector256.Create(" + At("xs", column) + "), " + load + ", a" + a + ");");
            }

            w.Close();
            w.Open("for (; k < end; k++)");
            w.Line("a0 = MultiplyAdd(Vector256.Create(" + At("xs", At("columns", "k")) + "), Vector256.LoadUnsafe(ref weights, (nuint)(k * " + Lanes + ")), a0);");
            w.Close();
            StoreBlock(w, layer, "b * " + Lanes, "((a0 + a1) + (a2 + a3))");
            w.Close();
            w.Close();
            w.Open("else");
            w.Line(RefTo("float", "weights", name + "Weights"));
            w.Open("for (int b = 0; b < " + blocks + "; b++)");
            ScalarBlock(w, layer, helpers, At("starts", "b"), At("starts", "b + 1"), "k", At("xs", At("columns", "k")), "k * " + Lanes, "weights");
            w.Close();
            w.Close();
            ActivationPass(w, layer, 0, whole, helpers, reluDone: true);
        }

        EmitTailRows(w, layer, helpers, dense: false);
        FinishLayer(w, layer, helpers);
        w.Close();
    }

    /// <summary>Bias plus the block's sum, ReLU in the vector (a compare and an and), stored to outputs <paramref name="first"/> to +7.</summary>
    private static void StoreBlock(SourceWriter w, LayerPlan layer, string first, string sum, string z = "z")
    {
        w.Line(Vector256Float + " " + z + " = Vector256.LoadUnsafe(ref bias, (nuint)(" + first + ")) + " + sum + ";");
        string value = layer.Activation == Activation.Relu ? "(Vector256.GreaterThan(" + z + ", " + Vector256Float + ".Zero) & " + z + ")" : z;
        w.Line(value + ".StoreUnsafe(ref ys, (nuint)(" + first + "));");
    }

    /// <summary>"j - 296", "j + 1" or "j".</summary>
    private static string Shift(string variable, int delta)
        => delta == 0 ? variable : delta > 0 ? variable + " + " + delta : variable + " - " + (-delta);

    /// <summary>
    /// The scalar path of a block of eight outputs: eight sums, each step one input times eight
    /// weights. <paramref name="weights"/> starts the block's table; step <paramref name="index"/>
    /// runs from <paramref name="start"/> to <paramref name="end"/>.
    /// </summary>
    private static void ScalarBlock(SourceWriter w, LayerPlan layer, HashSet<string> helpers, string start, string end, string index, string input, string offset, string weights = "block")
    {
        ScalarBlockSums(w);
        w.Open("for (int " + index + " = " + start + "; " + index + " < " + end + "; " + index + "++)");
        w.Line("float xi = " + input + ";");
        w.Line("ref float lanes = ref " + At(weights, offset) + ";");
        for (int lane = 0; lane < Lanes; lane++)
        {
            w.Line(Mad("s" + lane, lane == 0 ? "lanes" : At("lanes", SourceWriter.Int(lane)), "xi", helpers));
        }

        w.Close();
        ScalarBlockStore(w, layer, helpers);
    }

    /// <summary><c>float s0 = bias[b * 8] ... s7</c>: the eight sums of block b of the scalar paths, starting at the biases.</summary>
    private static void ScalarBlockSums(SourceWriter w)
    {
        for (int lane = 0; lane < Lanes; lane++)
        {
            w.Line("float s" + lane + " = " + At("bias", "b * " + Lanes + (lane == 0 ? string.Empty : " + " + lane)) + ";");
        }
    }

    /// <summary>Stores the eight sums of block b, ReLU applied (other activations come in a pass after).</summary>
    private static void ScalarBlockStore(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        for (int lane = 0; lane < Lanes; lane++)
        {
            string z = "s" + lane;
            w.Line(At("ys", "b * " + Lanes + (lane == 0 ? string.Empty : " + " + lane)) + " = " + (layer.Activation == Activation.Relu ? Activate(layer, z, helpers) : z) + ";");
        }
    }

    /// <summary>
    /// Tables of the tail outputs (after the last whole block): every weight row-major for the
    /// dense kernel, compressed rows (nonzero weights, their inputs, row starts) for the sparse one.
    /// </summary>
    private static void EmitTailTables(SourceWriter w, LayerPlan layer, bool dense)
    {
        int first = layer.Blocks.Blocks * Lanes;
        if (first == layer.Outputs)
        {
            return;
        }

        string name = MethodName(layer);
        var values = new List<float>();
        var columns = new List<long>();
        var starts = new List<long> { 0 };
        for (int j = first; j < layer.Outputs; j++)
        {
            for (int i = 0; i < layer.Inputs; i++)
            {
                float weight = layer.Weight(j, i);
                if (dense || weight != 0f)
                {
                    values.Add(weight);
                    columns.Add(layer.InputIndex(i));
                }
            }

            starts.Add(values.Count);
        }

        string outputs = Outputs(first, layer.Outputs);
        string where = first == 0 ? "(fewer than 8 outputs: no whole block)" : "(after the last whole block of 8)";
        if (dense)
        {
            w.Line("/// <summary>The weights of " + outputs + " of " + name + " " + where + ", row-major, pruned weights as zeros.</summary>");
            FloatTable(w, name + "TailWeights", values);
            w.Line();
            return;
        }

        w.Line("/// <summary>The nonzero weights of " + outputs + " of " + name + " " + where + ", row after row.</summary>");
        FloatTable(w, name + "TailWeights", values);
        w.Line();
        w.Line("/// <summary>The input each weight of " + name + "TailWeights reads.</summary>");
        IntTable(w, IndexType(layer.InputSpan), name + "TailColumns", columns);
        w.Line();
        w.Line("/// <summary>Where each tail output's weights start in " + name + "TailWeights; the last entry is the end.</summary>");
        IntTable(w, "int", name + "TailRowStarts", starts);
        w.Line();
    }

    /// <summary>The tail outputs row by row: dot products (vectors where available) for dense tables, compressed rows otherwise.</summary>
    private static void EmitTailRows(SourceWriter w, LayerPlan layer, HashSet<string> helpers, bool dense)
    {
        int first = layer.Blocks.Blocks * Lanes;
        if (first == layer.Outputs)
        {
            return;
        }

        string name = MethodName(layer);
        int inputs = layer.Inputs;
        string outputs = Outputs(first, layer.Outputs);
        w.Line("// " + char.ToUpperInvariant(outputs[0]) + outputs.Substring(1) + (first == 0 ? " (fewer than 8 outputs: no whole block)" : ", after the last whole block of 8") + ", row by row.");
        w.Line(RefTo("float", "tail", name + "TailWeights"));
        if (!dense)
        {
            string columnType = IndexType(layer.InputSpan);
            w.Line(RefTo(columnType, "tailColumns", name + "TailColumns"));
            w.Line(RefTo("int", "tailStarts", name + "TailRowStarts"));
            w.Open("for (int j = " + first + "; j < " + layer.Outputs + "; j++)");
            w.Line("nint k = " + At("tailStarts", Shift("j", -first)) + ";");
            w.Line("nint end = " + At("tailStarts", Shift("j", 1 - first)) + ";");
            w.Line("float " + string.Join(", ", Names("s", Accumulators, " = 0f")) + ";");
            EmitCompressedRowLoop(w, "tail", "tailColumns", helpers);
            w.Line(At("ys", "j") + " = " + Activate(layer, At("bias", "j") + " + " + Combine("s", Accumulators), helpers) + ";");
            w.Close();
            return;
        }

        int step = Lanes * Accumulators;
        w.Open("for (int j = " + first + "; j < " + layer.Outputs + "; j++)");
        w.Line("ref float row = ref " + At("tail", first == 0 ? "j * " + inputs : "(j - " + first + ") * " + inputs) + ";");
        w.Line("int i = 0;");
        w.Line("float sum;");
        if (inputs < Lanes)
        {
            // Rows shorter than one vector: four scalar accumulators are the whole kernel.
            w.Line("float " + string.Join(", ", Names("s", Accumulators, " = 0f")) + ";");
        }
        else
        {
            w.Open("if (Vector256.IsHardwareAccelerated)");
            w.Line(Vector256Float + " " + string.Join(", ", Names("v", Accumulators, " = " + Vector256Float + ".Zero")) + ";");
            if (inputs >= step)
            {
                w.Open("for (; i <= " + (inputs - step) + "; i += " + step + ")");
                for (int a = 0; a < Accumulators; a++)
                {
                    string offset = a == 0 ? "(nuint)i" : "(nuint)(i + " + (a * Lanes) + ")";
                    w.Line("v" + a + " = MultiplyAdd(Vector256.LoadUnsafe(ref row, " + offset + "), Vector256.LoadUnsafe(ref xs, " + offset + "), v" + a + ");");
                }

                w.Close();
            }

            w.Open("for (; i <= " + (inputs - Lanes) + "; i += " + Lanes + ")");
            w.Line("v0 = MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)i), Vector256.LoadUnsafe(ref xs, (nuint)i), v0);");
            w.Close();
            w.Line("sum = Vector256.Sum(" + Combine("v", Accumulators) + ");");
            w.Close();
            w.Open("else");
            w.Line("float " + string.Join(", ", Names("s", Accumulators, " = 0f")) + ";");
        }

        if (inputs >= Accumulators)
        {
            w.Open("for (; i <= " + (inputs - Accumulators) + "; i += " + Accumulators + ")");
            for (int a = 0; a < Accumulators; a++)
            {
                string i = a == 0 ? "i" : "i + " + a;
                w.Line(Mad("s" + a, At("row", i), At("xs", i), helpers));
            }

            w.Close();
        }

        w.Line("sum = " + Combine("s", Accumulators) + ";");
        if (inputs >= Lanes)
        {
            w.Close();
        }

        w.Open("for (; i < " + inputs + "; i++)");
        w.Line(Mad("sum", At("row", "i"), At("xs", "i"), helpers));
        w.Close();
        w.Line(At("ys", "j") + " = " + Activate(layer, At("bias", "j") + " + sum", helpers) + ";");
        w.Close();
    }

    /// <summary>"outputs 8 to 11", "output 40".</summary>
    private static string Outputs(int first, int end) => end - first == 1 ? "output " + first : "outputs " + first + " to " + (end - 1);

    /// <summary><c>Vector256.LoadUnsafe(ref start, offset)</c>, the offset left out when 0.</summary>
    private static string Load(string start, int offset) => offset == 0 ? "Vector256.LoadUnsafe(ref " + start + ")" : "Vector256.LoadUnsafe(ref " + start + ", " + offset + ")";
}
