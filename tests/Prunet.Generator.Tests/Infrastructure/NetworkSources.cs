using System.Text;

namespace Prunet.Tests.Infrastructure;

/// <summary>A class to bind: its name, model path and kernel (a PrunedNetworkKernel member name).</summary>
public sealed record NetworkClass(string Name, string ModelPath, string Kernel, bool Classifier);

/// <summary>
/// C# for network classes, plus array-taking wrappers (<c>Call_Name.Predict(float[], float[])</c>)
/// that tests invoke by reflection: spans cannot go through <c>MethodInfo.Invoke</c>.
/// </summary>
public static class NetworkSources
{
    public const string Namespace = "Test.Networks";

    public static string For(IEnumerable<NetworkClass> classes)
    {
        var source = new StringBuilder("using Prunet;\n\nnamespace " + Namespace + "\n{\n");
        foreach (NetworkClass c in classes)
        {
            source.Append("    [PrunedNetwork(\"").Append(c.ModelPath).Append("\", Kernel = PrunedNetworkKernel.").Append(c.Kernel).Append(")]\n");
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
