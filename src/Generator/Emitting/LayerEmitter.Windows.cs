using System.Collections.Generic;
using System.Linq;
using Prunet.Generator.Planning;
using static Prunet.Generator.Emitting.CSharpNames;

namespace Prunet.Generator.Emitting;

/// <summary>
/// The sparse-windows kernel (<see cref="WindowStructure"/>): per step, a window of eight inputs
/// is loaded, permuted so that each of a block's eight outputs gets the input of its next nonzero
/// weight (AVX2 <c>vpermps</c>), and multiplied by the step's eight weights into a vector of the
/// block's sums. The scalar path walks the same tables one lane at a time.
/// </summary>
internal static partial class LayerEmitter
{
    private static void EmitSparseWindows(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        string name = MethodName(layer);
        WindowStructure windows = layer.Windows;
        int blocks = windows.Blocks;
        int whole = blocks * Lanes;
        string startType = layer.InputSpan <= ushort.MaxValue + 1 ? "ushort" : "int";
        helpers.Add("MultiplyAdd");
        if (blocks > 0)
        {
            w.Line("/// <summary>");
            w.Line("/// The weights of outputs 0 to " + (whole - 1) + " of " + name + ", step after step, 8 per step (one per output of the block;");
            w.Line("/// " + SourceWriter.Count(windows.Nonzeros) + " nonzero weights, each once, in " + SourceWriter.Plural(windows.Steps, "step") + "; a zero is a padding lane, an output with nothing in that window).");
            w.Line("/// </summary>");
            FloatTable(w, name + "WindowWeights", windows.Weights.ToList());
            w.Line();
            AlignedCopy(w, name + "WindowWeights", helpers);
            w.Line("/// <summary>For each weight of " + name + "WindowWeights, the position (0 to 7) in its step's window of the input it reads.</summary>");
            IntTable(w, "byte", name + "WindowLanes", windows.Lanes.Select(l => (long)l).ToList());
            w.Line();
            w.Line("/// <summary>The first input of each step's window of 8 inputs.</summary>");
            IntTable(w, startType, name + "WindowStarts", windows.Starts.Select(s => (long)s).ToList());
            w.Line();
            w.Line("/// <summary>Where each block of 8 outputs' steps start; the last entry is the end.</summary>");
            IntTable(w, "int", name + "BlockSteps", windows.BlockSteps.Select(s => (long)s).ToList());
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
            w.Line(RefTo("byte", "lanes", name + "WindowLanes"));
            w.Line(RefTo(startType, "starts", name + "WindowStarts"));
            w.Line(RefTo("int", "steps", name + "BlockSteps"));
        }

        w.Line(RefTo("float", "bias", name + "Bias"));
        if (blocks > 0)
        {
            helpers.Add("Window");
            w.Line("// A JIT-time constant: the JIT compiles one branch and drops the other.");
            w.Open("if (Avx2.IsSupported)");
            w.Line(RefToAligned("weights", name + "WindowWeights"));
            w.Open("for (int b = 0; b < " + blocks + "; b++)");
            w.Line("nint s = " + At("steps", "b") + ";");
            w.Line("nint end = " + At("steps", "b + 1") + ";");
            w.Line("// Four accumulators: each step is a load of 8 weights, of 8 lane positions and of a window, a permute and a multiply-add.");
            w.Line(Vector256Float + " " + string.Join(", ", Names("a", 4, " = " + Vector256Float + ".Zero")) + ";");
            w.Open("for (; s <= end - 4; s += 4)");
            w.Line("ref float ws = ref " + At("weights", "s * " + Lanes) + ";");
            w.Line("ref byte ls = ref " + At("lanes", "s * " + Lanes) + ";");
            w.Line("ref " + startType + " ss = ref " + At("starts", "s") + ";");
            for (int a = 0; a < 4; a++)
            {
                string start = a == 0 ? "ss" : At("ss", SourceWriter.Int(a));
                string positions = a == 0 ? "ref ls" : "ref " + At("ls", SourceWriter.Int(a * Lanes));
                w.Line("a" + a + " = MultiplyAdd(" + Load("ws", a * Lanes) + ", Window(ref xs, " + start + ", " + positions + "), a" + a + ");");
            }

            w.Close();
            w.Open("for (; s < end; s++)");
            w.Line("a0 = MultiplyAdd(Vector256.LoadUnsafe(ref weights, (nuint)(s * " + Lanes + ")), Window(ref xs, " + At("starts", "s") + ", ref " + At("lanes", "s * " + Lanes) + "), a0);");
            w.Close();
            StoreBlock(w, layer, "b * " + Lanes, "((a0 + a1) + (a2 + a3))");
            w.Close();
            w.Close();
            w.Open("else");
            w.Line(RefTo("float", "weights", name + "WindowWeights"));
            w.Open("for (int b = 0; b < " + blocks + "; b++)");
            ScalarBlockSums(w);
            w.Open("for (nint s = " + At("steps", "b") + "; s < " + At("steps", "b + 1") + "; s++)");
            w.Line("ref float window = ref " + At("xs", At("starts", "s")) + ";");
            w.Line("ref float ws = ref " + At("weights", "s * " + Lanes) + ";");
            w.Line("ref byte ls = ref " + At("lanes", "s * " + Lanes) + ";");
            for (int lane = 0; lane < Lanes; lane++)
            {
                string weight = lane == 0 ? "ws" : At("ws", SourceWriter.Int(lane));
                string position = lane == 0 ? "ls" : At("ls", SourceWriter.Int(lane));
                w.Line(Mad("s" + lane, weight, At("window", position), helpers));
            }

            w.Close();
            ScalarBlockStore(w, layer, helpers);
            w.Close();
            w.Close();
            ActivationPass(w, layer, 0, whole, helpers, reluDone: true);
        }

        EmitTailRows(w, layer, helpers, dense: false);
        FinishLayer(w, layer, helpers);
        w.Close();
    }
}
