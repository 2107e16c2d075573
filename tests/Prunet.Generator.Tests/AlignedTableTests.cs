using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// The weight tables that vector kernels load eight floats at a time from are read through a copy
/// that starts at an address aligned to 32 bytes (a load from a table aligned to 4 bytes crosses a
/// cache line every other time). The values are the equivalence tests' business; this checks the
/// alignment itself, which no output would reveal.
/// </summary>
public sealed class AlignedTableTests
{
    [Theory]
    [InlineData("BlockSparse")]
    [InlineData("SparseWindows")]
    [InlineData("DenseSimd")]
    public void VectorKernelsReadTheirWeightsFrom32ByteAlignedCopies(string kernel)
    {
        PrunedModel model = RandomNetworks.Mlp(new Random(21), new[] { 40, 33, 17, 3 }, 0.5);
        var network = new NetworkClass("Net", "net.model.json", kernel, Classifier: true, StraightLine: false);
        GeneratorRun run = GeneratorHarness.Run(new[] { NetworkSources.For(new[] { network }) }, new[] { (AdditionalText)new InMemoryAdditionalText("/p/net.model.json", model.ToJson()) });
        using LoadedAssembly loaded = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));

        // The first call makes the copies (the class's static fields) on the vector path.
        var output = new float[model.OutputSize];
        loaded.Predict("Net", new float[model.InputSize], output);

        string source = run.Source(NetworkSources.Namespace + ".Net.g.cs");
        Type inference = loaded.Assembly.GetTypes().Single(t => t.Name.EndsWith("NetInference", StringComparison.Ordinal));
        FieldInfo[] copies = inference.GetFields(BindingFlags.NonPublic | BindingFlags.Static).Where(f => f.Name.EndsWith("Aligned", StringComparison.Ordinal)).ToArray();
        // One per layer with a whole block of 8 outputs (the 3-output layer has none), and each
        // read by its layer's vector path.
        Assert.True(copies.Length >= 2, "expected an aligned copy for each of the two wide layers, found " + copies.Length);
        foreach (FieldInfo field in copies)
        {
            Assert.Contains("ref float weights = ref " + field.Name + ".First;", source, StringComparison.Ordinal);
            object table = field.GetValue(null)!;
            var store = (float[])table.GetType().GetField("_store", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(table)!;
            int start = (int)table.GetType().GetField("_start", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(table)!;
            Assert.InRange(start, 0, 7);
            Assert.Contains(store.Skip(start), v => v != 0f); // the weights were copied there
            GCHandle handle = GCHandle.Alloc(store, GCHandleType.Pinned);
            try
            {
                long address = handle.AddrOfPinnedObject().ToInt64() + (4L * start);
                Assert.True(address % 32 == 0, field.Name + " starts at " + address.ToString("X", System.Globalization.CultureInfo.InvariantCulture) + ", not a multiple of 32");
            }
            finally
            {
                handle.Free();
            }
        }
    }
}
