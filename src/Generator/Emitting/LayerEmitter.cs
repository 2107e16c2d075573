using System;
using System.Collections.Generic;
using Prunet.Generator.Planning;
using static Prunet.Generator.Emitting.CSharpNames;

namespace Prunet.Generator.Emitting;

/// <summary>
/// Writes one planned layer as a method <c>LayerN(ReadOnlySpan&lt;float&gt; x, Span&lt;float&gt; y)</c>
/// with the kernel the plan chose. Text only: every decision is in the plan.
/// </summary>
internal static partial class LayerEmitter
{
    /// <summary>Accumulators per row: independent sums hide the latency of floating-point adds.</summary>
    private const int Accumulators = 4;

    /// <summary>Values per line in constant tables.</summary>
    private const int ValuesPerLine = 16;

    public static void Emit(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        switch (layer.Kernel)
        {
            case LayerKernel.Unrolled:
                EmitUnrolled(w, layer, helpers);
                break;
            case LayerKernel.SparseRows:
                EmitSparseRows(w, layer, helpers);
                break;
            case LayerKernel.BlockSparse:
                EmitBlockSparse(w, layer, helpers);
                break;
            case LayerKernel.SparseColumns:
                EmitSparseColumns(w, layer, helpers);
                break;
            case LayerKernel.SparseWindows:
                EmitSparseWindows(w, layer, helpers);
                break;
            default:
                EmitDenseSimd(w, layer, helpers);
                break;
        }
    }

    public static string MethodName(LayerPlan layer) => "Layer" + layer.Number;

    private static void EmitUnrolled(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        // Rows go to methods of at most MaxUnrolledRow terms each (the plan guarantees a row fits).
        var parts = new List<(int First, int End)>();
        int start = 0;
        int terms = 0;
        for (int j = 0; j < layer.Outputs; j++)
        {
            int row = RowNonzeros(layer, j);
            if (j > start && terms + row > KernelChoice.MaxUnrolledRow)
            {
                parts.Add((start, j));
                start = j;
                terms = 0;
            }

            terms += row;
        }

        parts.Add((start, layer.Outputs));
        string name = MethodName(layer);
        if (parts.Count == 1)
        {
            EmitUnrolledRows(w, layer, name, 0, layer.Outputs, finish: true, helpers);
            return;
        }

        LayerMethod(w, name);
        for (int p = 0; p < parts.Count; p++)
        {
            w.Line(name + "Part" + (p + 1) + "(x, y);");
        }

        if (layer.Activation == Activation.Softmax)
        {
            helpers.Add("Softmax");
            w.Line("Softmax(y);");
        }

        w.Close();
        for (int p = 0; p < parts.Count; p++)
        {
            w.Line();
            w.Line("// " + name + ", outputs " + parts[p].First + " to " + (parts[p].End - 1) + ".");
            EmitUnrolledRows(w, layer, name + "Part" + (p + 1), parts[p].First, parts[p].End, finish: false, helpers);
        }
    }

    private static void EmitUnrolledRows(SourceWriter w, LayerPlan layer, string method, int first, int end, bool finish, HashSet<string> helpers)
    {
        int accumulators = UnrolledAccumulators(layer, first, end);
        LayerMethod(w, method);
        if (accumulators > 0)
        {
            w.Line(RefTo("float", "xs", "x"));
        }

        w.Line(RefTo("float", "ys", "y"));
        if (accumulators > 0)
        {
            w.Line("float " + string.Join(", ", Names("s", accumulators)) + ";");
        }

        for (int j = first; j < end; j++)
        {
            UnrolledRow(w, layer, j, i => At("xs", SourceWriter.Int(layer.InputIndex(i))), At("ys", SourceWriter.Int(j)), z => Activate(layer, z, helpers), helpers);
        }

        if (finish && layer.Activation == Activation.Softmax)
        {
            helpers.Add("Softmax");
            w.Line("Softmax(y);");
        }

        w.Close();
    }

    /// <summary>
    /// One output as straight-line terms: <c>target = finish(bias + sum)</c>, the sum over the row's
    /// nonzero weights as literals in up to four accumulators <c>s0</c>..<c>s3</c> (declared by the
    /// caller), <paramref name="input"/> giving the expression of column i.
    /// </summary>
    internal static void UnrolledRow(SourceWriter w, LayerPlan layer, int j, Func<int, string> input, string target, Func<string, string> finish, HashSet<string> helpers)
    {
        int count = 0;
        for (int i = 0; i < layer.Inputs; i++)
        {
            float weight = layer.Weight(j, i);
            if (weight == 0f)
            {
                continue;
            }

            int a = count % Accumulators;
            w.Line(count < Accumulators ? "s" + a + " = " + SourceWriter.Float(weight) + " * " + input(i) + ";" : Mad("s" + a, SourceWriter.Float(weight), input(i), helpers));
            count++;
        }

        string sum = Combine("s", Math.Min(count, Accumulators));
        string z = sum.Length == 0 ? SourceWriter.Float(layer.Bias[j])
            : layer.Bias[j] == 0f ? sum
            : SourceWriter.Float(layer.Bias[j]) + " + " + sum;
        w.Line(target + " = " + finish(z) + ";");
    }

    /// <summary>Accumulators the unrolled rows first to end-1 use: the most any row needs, at most four.</summary>
    internal static int UnrolledAccumulators(LayerPlan layer, int first, int end)
    {
        int accumulators = 0;
        for (int j = first; j < end; j++)
        {
            accumulators = Math.Max(accumulators, Math.Min(RowNonzeros(layer, j), Accumulators));
        }

        return accumulators;
    }

    private static void EmitSparseRows(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        string name = MethodName(layer);
        var values = new List<float>(layer.Nonzeros);
        var columns = new List<long>(layer.Nonzeros);
        var starts = new List<long>(layer.Outputs + 1) { 0 };
        for (int j = 0; j < layer.Outputs; j++)
        {
            for (int i = 0; i < layer.Inputs; i++)
            {
                float weight = layer.Weight(j, i);
                if (weight != 0f)
                {
                    values.Add(weight);
                    columns.Add(layer.InputIndex(i));
                }
            }

            starts.Add(values.Count);
        }

        string columnType = IndexType(layer.InputSpan);
        w.Line("/// <summary>The nonzero weights of " + name + ", row after row.</summary>");
        FloatTable(w, name + "Weights", values);
        w.Line();
        w.Line("/// <summary>The input (column) each weight of " + name + "Weights reads.</summary>");
        IntTable(w, columnType, name + "Columns", columns);
        w.Line();
        w.Line("/// <summary>Where each output's weights start in " + name + "Weights; the last entry is the end.</summary>");
        IntTable(w, "int", name + "RowStarts", starts);
        w.Line();
        FloatTable(w, name + "Bias", layer.Bias);
        w.Line();
        LayerMethod(w, name);
        w.Line(RefTo("float", "xs", "x"));
        w.Line(RefTo("float", "ys", "y"));
        w.Line(RefTo("float", "weights", name + "Weights"));
        w.Line(RefTo(columnType, "columns", name + "Columns"));
        w.Line(RefTo("int", "starts", name + "RowStarts"));
        w.Line(RefTo("float", "bias", name + "Bias"));
        w.Open("for (int j = 0; j < " + layer.Outputs + "; j++)");
        w.Line("// Native-sized positions: no sign extension, and k + 1 ... k + 3 fold into the addressing.");
        w.Line("nint k = " + At("starts", "j") + ";");
        w.Line("nint end = " + At("starts", "j + 1") + ";");
        w.Line("float " + string.Join(", ", Names("s", Accumulators, " = 0f")) + ";");
        EmitCompressedRowLoop(w, "weights", "columns", helpers);
        w.Line(At("ys", "j") + " = " + Activate(layer, At("bias", "j") + " + " + Combine("s", Accumulators), helpers) + ";");
        w.Close();
        FinishLayer(w, layer, helpers);
        w.Close();
    }

    private static void FinishLayer(SourceWriter w, LayerPlan layer, HashSet<string> helpers)
    {
        if (layer.Activation == Activation.Softmax)
        {
            helpers.Add("Softmax");
            w.Line("Softmax(y);");
        }
    }

    /// <summary>
    /// The loops over one compressed row, from k to end (native-sized, <c>nint</c>): four
    /// accumulators, and no index arithmetic per weight, as k + 1 ... k + 3 become constant
    /// displacements (a load of the weight, of the index, of the input through it, and a
    /// multiply-add).
    /// </summary>
    private static void EmitCompressedRowLoop(SourceWriter w, string weights, string columns, HashSet<string> helpers)
    {
        w.Open("for (; k <= end - " + Accumulators + "; k += " + Accumulators + ")");
        for (int a = 0; a < Accumulators; a++)
        {
            string k = a == 0 ? "k" : "k + " + a;
            w.Line(Mad("s" + a, At(weights, k), At("xs", At(columns, k)), helpers));
        }

        w.Close();
        w.Open("for (; k < end; k++)");
        w.Line(Mad("s0", At(weights, "k"), At("xs", At(columns, "k")), helpers));
        w.Close();
    }

    /// <summary>
    /// <c>s = MultiplyAdd(a, b, s);</c>: a * b + s, fused where the CPU has FMA. The JIT does
    /// not fuse a * b + s by itself, and the fused form is one instruction where there were two.
    /// </summary>
    internal static string Mad(string sum, string a, string b, HashSet<string> helpers)
    {
        helpers.Add("ScalarMultiplyAdd");
        return sum + " = MultiplyAdd(" + a + ", " + b + ", " + sum + ");";
    }

    /// <summary>
    /// The narrowest index type for values below <paramref name="limit"/>: narrow indices are
    /// fewer bytes to load per weight and a smaller table in the cache.
    /// </summary>
    private static string IndexType(int limit) => limit <= byte.MaxValue + 1 ? "byte" : limit <= ushort.MaxValue + 1 ? "ushort" : "int";

    /// <summary>The declaration of a layer method, optimised from its first call (see <see cref="Optimized"/>).</summary>
    private static void LayerMethod(SourceWriter w, string name)
    {
        w.OptimizedMethod();
        w.Open("private static void " + name + "(" + ReadOnlySpan + " x, " + Span + " y)");
    }

    /// <summary>Applies the activation to outputs first to end-1 in place (nothing for linear; softmax after).</summary>
    private static void ActivationPass(SourceWriter w, LayerPlan layer, int first, int end, HashSet<string> helpers, bool reluDone = false)
    {
        if (end > first && layer.Activation != Activation.Linear && layer.Activation != Activation.Softmax && !(reluDone && layer.Activation == Activation.Relu))
        {
            w.Open("for (int j = " + first + "; j < " + end + "; j++)");
            w.Line(At("ys", "j") + " = " + Activate(layer, At("ys", "j"), helpers) + ";");
            w.Close();
        }
    }

    /// <summary>The activation applied to an expression; softmax is applied to the whole layer afterwards.</summary>
    internal static string Activate(LayerPlan layer, string z, HashSet<string> helpers)
    {
        switch (layer.Activation)
        {
            case Activation.Relu:
                helpers.Add("Relu");
                return "Relu(" + z + ")";
            case Activation.LeakyRelu:
                helpers.Add("LeakyRelu");
                return "LeakyRelu(" + z + ", " + SourceWriter.Float(layer.Alpha) + ")";
            case Activation.Sigmoid:
                helpers.Add("Sigmoid");
                return "Sigmoid(" + z + ")";
            case Activation.Tanh:
                return "MathF.Tanh(" + z + ")";
            default:
                return z;
        }
    }

    /// <summary>
    /// Tables with more values than this are packed into a string literal: measured with Roslyn 5
    /// on 235,200 floats (a dense 784→300 layer), an array initializer took 4 s to compile warm
    /// (19 s cold), a byte array 6 s, the same values as UTF-16 code units in a string 0.4 s.
    /// Smaller tables stay readable float literals.
    /// </summary>
    public const int PackedTableThreshold = 1024;

    /// <summary>
    /// The same when the app is precompiled with ReadyToRun (<see cref="SourceWriter.ReadyToRun"/>),
    /// where start-up is the point: a packed table's first use JIT-compiles
    /// <c>MemoryMarshal.Cast</c> for its element type (not precompiled outside the framework) and
    /// builds the string: the first call of 784-300-100-10 at 90% under SparseRows took 1.46 ms with
    /// packed tables and 0.28 ms with arrays (measured 2026-12-01). So tables up to this size stay
    /// arrays there, for up to about a second more per build; a larger one still costs its Cast
    /// (0.4-0.5 ms for a forced DenseSimd on 784-300-100-10; docs/performance.md, Warm-up).
    /// </summary>
    public const int ReadyToRunPackedTableThreshold = 65536;

    private static bool Packed(SourceWriter w, int count) => count > (w.ReadyToRun ? ReadyToRunPackedTableThreshold : PackedTableThreshold);

    public static void FloatTable(SourceWriter w, string name, IReadOnlyList<float> values)
    {
        if (Packed(w, values.Count))
        {
            var units = new List<char>(values.Count * 2);
            foreach (float value in values)
            {
                AddLittleEndian(units, SingleToBits(value));
            }

            PackedTable(w, "float", name, units, values.Count + " floats, two UTF-16 code units each (the float's bits, low half first)");
            return;
        }

        var texts = new List<string>(values.Count);
        foreach (float value in values)
        {
            texts.Add(SourceWriter.Float(value));
        }

        Table(w, "float", name, texts);
    }

    /// <summary>
    /// The copy of a float table that a vector kernel loads eight values at a time from, made once
    /// (when the vector path first runs) into a pinned array from an address aligned to 32 bytes.
    /// The table itself is aligned to 4 bytes only, so that every other 32-byte load from it crosses
    /// a cache line and costs two: measured side by side, 784-300-100-10 ran 14% faster at 90%
    /// element sparsity, 12% in blocks of 8 and 4% at 95% (docs/performance.md). Only the vector
    /// path reads the copy (<see cref="RefToAligned"/>); the scalar path reads the table, so that a
    /// CPU without the vectors never makes it.
    /// </summary>
    public static void AlignedCopy(SourceWriter w, string table, HashSet<string> helpers)
    {
        helpers.Add("Aligned");
        w.Line("/// <summary>" + table + " for the vector path, copied once to an address aligned to 32 bytes, so that no load of 8 weights crosses a cache line.</summary>");
        w.Line("private static readonly AlignedTable " + table + "Aligned = new(" + table + ");");
        w.Line();
    }

    /// <summary><c>ref float name = ref tableAligned.First;</c>: the start of the copy <see cref="AlignedCopy"/> made.</summary>
    public static string RefToAligned(string name, string table) => "ref float " + name + " = ref " + table + "Aligned.First;";

    public static void IntTable(SourceWriter w, string type, string name, IReadOnlyList<long> values)
    {
        if (Packed(w, values.Count) && type == "byte")
        {
            var units = new List<char>((values.Count + 1) / 2);
            for (int n = 0; n < values.Count; n += 2)
            {
                int high = n + 1 < values.Count ? (int)values[n + 1] : 0;
                units.Add((char)((int)values[n] | (high << 8)));
            }

            PackedTable(w, type, name, units, values.Count + " values, two per UTF-16 code unit (low byte first)", values.Count % 2 == 0 ? -1 : values.Count);
            return;
        }

        if (Packed(w, values.Count) && (type == "ushort" || type == "int"))
        {
            var units = new List<char>(values.Count * 2);
            foreach (long value in values)
            {
                if (type == "ushort")
                {
                    units.Add((char)value);
                }
                else
                {
                    AddLittleEndian(units, (int)value);
                }
            }

            PackedTable(w, type, name, units, type == "ushort" ? values.Count + " values, one UTF-16 code unit each" : values.Count + " values, two UTF-16 code units each (low half first)");
            return;
        }

        var texts = new List<string>(values.Count);
        foreach (long value in values)
        {
            texts.Add(SourceWriter.Int(value));
        }

        Table(w, type, name, texts);
    }

    /// <summary>
    /// <c>static ReadOnlySpan&lt;T&gt; Name =&gt; new T[] { ... };</c>: the compiler stores the values
    /// in the assembly's data and the property returns a span over them, with no allocation.
    /// </summary>
    private static void Table(SourceWriter w, string type, string name, List<string> values)
    {
        string signature = "private static ReadOnlySpan<" + type + "> " + name + " => new " + type + "[]";
        if (values.Count <= ValuesPerLine)
        {
            w.Line(signature + " { " + string.Join(", ", values) + (values.Count == 0 ? "};" : " };"));
            return;
        }

        w.Line(signature);
        w.Line("{");
        for (int start = 0; start < values.Count; start += ValuesPerLine)
        {
            w.Line("    " + string.Join(", ", values.GetRange(start, Math.Min(ValuesPerLine, values.Count - start))) + ",");
        }

        w.Line("};");
    }

    /// <summary>
    /// A large table as a string literal reinterpreted as <typeparamref name="T"/> values: the string
    /// is constant data (interned once; frozen in a Native AOT image), the span costs nothing per call.
    /// Strings keep UTF-16 code units in the CPU's byte order, so multi-unit values need little-endian.
    /// </summary>
    private static void PackedTable(SourceWriter w, string type, string name, List<char> units, string what, int length = -1)
    {
        const int UnitsPerLine = 32;
        bool needsLittleEndian = type != "ushort";
        w.Line("private static ReadOnlySpan<" + type + "> " + name + " =>" + (needsLittleEndian ? " BitConverter.IsLittleEndian" : string.Empty));
        w.Indent();
        w.Line((needsLittleEndian ? "? " : string.Empty) + "MemoryMarshal.Cast<char, " + type + ">(");
        w.Indent();
        w.Line("// " + what + ": a string literal compiles far faster than an array initializer this size.");
        var lines = new List<string>((units.Count + UnitsPerLine - 1) / UnitsPerLine);
        var line = new System.Text.StringBuilder();
        for (int start = 0; start < units.Count; start += UnitsPerLine)
        {
            line.Clear().Append('"');
            for (int u = start; u < Math.Min(units.Count, start + UnitsPerLine); u++)
            {
                line.Append("\\u").Append(((int)units[u]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }

            lines.Add(line.Append('"').ToString());
        }

        string end = ")" + (length >= 0 ? ".Slice(0, " + length + ")" : string.Empty) + (needsLittleEndian ? string.Empty : ";");
        Concatenation(w, lines, 0, lines.Count, end);
        w.Outdent();
        if (needsLittleEndian)
        {
            w.Line(": throw new PlatformNotSupportedException(\"The packed tables of this network need a little-endian CPU.\");");
        }

        w.Outdent();
    }

    /// <summary>Literals joined per parenthesised group (<see cref="LiteralsPerGroup"/>).</summary>
    private const int LiteralsPerGroup = 32;

    /// <summary>
    /// Writes <c>"..." + "..." + ...</c> for lines first to end-1, then <paramref name="suffix"/>.
    /// More than <see cref="LiteralsPerGroup"/> literals are nested in parenthesised groups of at
    /// most that many, so that the expression tree stays shallow: a flat chain of 700 literals (a
    /// 784→300 layer's weights) overflowed the stack of the trimming analyzer in `dotnet publish`
    /// with Native AOT (AD0001, InsufficientExecutionStackException).
    /// </summary>
    private static void Concatenation(SourceWriter w, List<string> lines, int first, int end, string suffix)
    {
        int count = end - first;
        if (count <= LiteralsPerGroup)
        {
            for (int n = first; n < end; n++)
            {
                w.Line(lines[n] + (n < end - 1 ? " +" : suffix));
            }

            return;
        }

        int size = LiteralsPerGroup;
        while ((long)size * LiteralsPerGroup < count)
        {
            size *= LiteralsPerGroup;
        }

        for (int start = first; start < end; start += size)
        {
            int stop = Math.Min(end, start + size);
            w.Line("(");
            w.Indent();
            Concatenation(w, lines, start, stop, string.Empty);
            w.Outdent();
            w.Line(")" + (stop < end ? " +" : suffix));
        }
    }

    private static void AddLittleEndian(List<char> units, int bits)
    {
        units.Add((char)(bits & 0xFFFF));
        units.Add((char)((bits >> 16) & 0xFFFF));
    }

    private static int SingleToBits(float value) => System.BitConverter.ToInt32(System.BitConverter.GetBytes(value), 0);

    internal static int RowNonzeros(LayerPlan layer, int j)
    {
        int count = 0;
        for (int i = 0; i < layer.Inputs; i++)
        {
            if (layer.Weight(j, i) != 0f)
            {
                count++;
            }
        }

        return count;
    }

    internal static IEnumerable<string> Names(string prefix, int count, string suffix = "")
    {
        for (int a = 0; a < count; a++)
        {
            yield return prefix + a + suffix;
        }
    }

    /// <summary>Pairwise sum of accumulators: ((s0 + s1) + (s2 + s3)).</summary>
    internal static string Combine(string prefix, int count)
    {
        switch (count)
        {
            case 0: return string.Empty;
            case 1: return prefix + "0";
            case 2: return "(" + prefix + "0 + " + prefix + "1)";
            case 3: return "((" + prefix + "0 + " + prefix + "1) + " + prefix + "2)";
            default: return "((" + prefix + "0 + " + prefix + "1) + (" + prefix + "2 + " + prefix + "3))";
        }
    }
}
