using System.Text;

namespace Prunet.Tests.Infrastructure;

/// <summary>
/// A class to bind: its name, model path, kernel (a PrunedNetworkKernel member name) and the
/// attribute's StraightLine (false: one method per layer even for a small network).
/// </summary>
public sealed record NetworkClass(string Name, string ModelPath, string Kernel, bool Classifier, bool StraightLine = true);

/// <summary>
/// C# for network classes, plus array-taking wrappers (<c>Call_Name.Predict(float[], float[])</c>)
/// that tests invoke by reflection: spans cannot go through <c>MethodInfo.Invoke</c>.
/// </summary>
public static class NetworkSources
{
    public const string Namespace = "Test.Networks";

    /// <summary>
    /// Every way a class can ask for its code: each kernel, and the kernels a small network can have
    /// as straight-line code (Auto, Unrolled, DenseSimd) again with StraightLine = false ("PerLayer").
    /// </summary>
    public static readonly string[] Variants = { "Auto", "Unrolled", "SparseRows", "DenseSimd", "BlockSparse", "SparseColumns", "SparseWindows", "AutoPerLayer", "UnrolledPerLayer", "DenseSimdPerLayer" };

    /// <summary>The class <paramref name="name"/> for a variant of <see cref="Variants"/>.</summary>
    public static NetworkClass Variant(string name, string modelPath, string variant, bool classifier)
    {
        const string PerLayer = "PerLayer";
        bool perLayer = variant.EndsWith(PerLayer, StringComparison.Ordinal);
        return new NetworkClass(name, modelPath, perLayer ? variant.Substring(0, variant.Length - PerLayer.Length) : variant, classifier, !perLayer);
    }

    public static string For(IEnumerable<NetworkClass> classes)
    {
        var source = new StringBuilder("using Prunet;\n\nnamespace " + Namespace + "\n{\n");
        foreach (NetworkClass c in classes)
        {
            source.Append("    [PrunedNetwork(\"").Append(c.ModelPath).Append("\", Kernel = PrunedNetworkKernel.").Append(c.Kernel).Append(c.StraightLine ? string.Empty : ", StraightLine = false").Append(")]\n");
            source.Append("    public static partial class ").Append(c.Name).Append(" { }\n\n");
            source.Append("    public static class Call_").Append(c.Name).Append("\n    {\n");
            source.Append("        public static void Predict(float[] input, float[] output) => ").Append(c.Name).Append(".Predict(input, output);\n");
            source.Append("        public static void PredictBatch(float[] inputs, float[] outputs) => ").Append(c.Name).Append(".PredictBatch(inputs, outputs);\n");
            if (c.Classifier)
            {
                source.Append("        public static int PredictClass(float[] input) => ").Append(c.Name).Append(".PredictClass(input);\n");
            }

            source.Append("    }\n\n");
        }

        return source.Append("}\n").ToString();
    }

    public static void Predict(this LoadedAssembly assembly, string name, float[] input, float[] output)
        => assembly.Call(Namespace + ".Call_" + name, "Predict", input, output);

    public static void PredictBatch(this LoadedAssembly assembly, string name, float[] inputs, float[] outputs)
        => assembly.Call(Namespace + ".Call_" + name, "PredictBatch", inputs, outputs);

    public static int PredictClass(this LoadedAssembly assembly, string name, float[] input)
        => (int)assembly.Call(Namespace + ".Call_" + name, "PredictClass", input)!;
}
