using System.Collections.Generic;
using Prunet.Generator.Planning;
using static Prunet.Generator.Emitting.CSharpNames;

namespace Prunet.Generator.Emitting;

/// <summary>
/// The input-major kernel: compressed columns. The outputs start at the biases; each input that
/// is not exactly zero adds its nonzero weights, times itself, into the outputs it reaches; an
/// input that is zero at run time (a ReLU output, a blank pixel) costs one test. Column c of the
/// tables is element c of the input span (for a first layer reading raw features, features no
/// weight reads are empty columns).
/// </summary>
internal static partial class LayerEmitter
{
    private static void EmitSparseColumns(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        string name = MethodName(layer);
        int span = layer.InputSpan;
        var byElement = new int[span];
        for (int e = 0; e < span; e++)
        {
            byElement[e] = -1;
        }

        for (int i = 0; i < layer.Inputs; i++)
        {
            byElement[layer.InputIndex(i)] = i;
        }

        var values = new List<float>(layer.Nonzeros);
        var rows = new List<long>(layer.Nonzeros);
        var starts = new List<long>(span + 1) { 0 };
        for (int e = 0; e < span; e++)
        {
            int i = byElement[e];
            for (int j = 0; i >= 0 && j < layer.Outputs; j++)
            {
                float weight = layer.Weight(j, i);
                if (weight != 0f)
                {
                    values.Add(weight);
                    rows.Add(j);
                }
            }

            starts.Add(values.Count);
        }

        string rowType = IndexType(layer.Outputs);
        w.Line("/// <summary>The nonzero weights of " + name + ", column after column (input after input).</summary>");
        FloatTable(w, name + "Weights", values);
        w.Line();
        w.Line("/// <summary>The output (row) each weight of " + name + "Weights adds into.</summary>");
        IntTable(w, rowType, name + "Rows", rows);
        w.Line();
        w.Line("/// <summary>Where each input's weights start in " + name + "Weights; the last entry is the end.</summary>");
        IntTable(w, "int", name + "ColumnStarts", starts);
        w.Line();
        FloatTable(w, name + "Bias", layer.Bias);
        w.Line();
        LayerMethod(w, name);
        w.Line(name + "Bias.CopyTo(y);");
        if (span > 0)
        {
            w.Line(RefTo("float", "xs", "x"));
            w.Line(RefTo("float", "ys", "y"));
            w.Line(RefTo("float", "weights", name + "Weights"));
            w.Line(RefTo(rowType, "rows", name + "Rows"));
            w.Line(RefTo("int", "starts", name + "ColumnStarts"));
            w.Open("for (int i = 0; i < " + span + "; i++)");
            w.Line("float xi = " + At("xs", "i") + ";");
            w.Open("if (xi == 0f)");
            w.Line("continue; // a zero input adds nothing: skip its column");
            w.Close();
            w.Line("nint k = " + At("starts", "i") + ";");
            w.Line("nint end = " + At("starts", "i + 1") + ";");
            w.Open("for (; k < end; k++)");
            w.Line("ref float yk = ref " + At("ys", At("rows", "k")) + ";");
            w.Line(Mad("yk", At("weights", "k"), "xi", helpers));
            w.Close();
            w.Close();
        }
        else
        {
            w.Line(RefTo("float", "ys", "y"));
        }

        ActivationPass(w, layer, 0, layer.Outputs, helpers);
        FinishLayer(w, layer, helpers);
        w.Close();
    }
}
