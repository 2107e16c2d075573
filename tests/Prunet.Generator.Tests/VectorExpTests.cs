using System.Reflection;
using System.Runtime.Intrinsics;
using Microsoft.CodeAnalysis;
using Prunet.Tests.Infrastructure;

namespace Prunet.Tests;

/// <summary>
/// The generated vector <c>Exp</c> (the softmax's exponential) on its own, against
/// <see cref="Math.Exp(double)"/>: the softmax tests compare whole outputs within a tolerance, which
/// would hide an exponential a few units in the last place worse than documented.
/// </summary>
public sealed class VectorExpTests
{
    [Fact]
    public void VectorExpIsWithinTwoUnitsInTheLastPlaceOverItsRange()
    {
        // 64-32-10 dense: straight-line vectors with the softmax in them, so the helper is emitted.
        PrunedModel model = RandomNetworks.Mlp(new Random(31), new[] { 64, 32, 10 }, 0.0);
        var network = new NetworkClass("Net", "net.model.json", "Auto", Classifier: true);
        GeneratorRun run = GeneratorHarness.Run(new[] { NetworkSources.For(new[] { network }) }, new[] { (AdditionalText)new InMemoryAdditionalText("/p/net.model.json", model.ToJson()) });
        using LoadedAssembly loaded = GeneratorHarness.Load(GeneratorHarness.Emit(run.Output));
        Type inference = loaded.Assembly.GetTypes().Single(t => t.Name.EndsWith("NetInference", StringComparison.Ordinal));
        MethodInfo exp = inference.GetMethod("Exp", BindingFlags.NonPublic | BindingFlags.Static, new[] { typeof(Vector256<float>) })
            ?? throw new InvalidOperationException("no vector Exp in the generated code:\n" + run.Source(NetworkSources.Namespace + ".Net.g.cs"));
        Vector256<float> Exp(Vector256<float> x) => (Vector256<float>)exp.Invoke(null, new object[] { x })!;

        double worst = 0;
        float worstAt = 0;
        var lanes = new float[8];
        const int Points = 80_000;
        for (int n = 0; n < Points; n += 8)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                lanes[lane] = -87f * (n + lane) / Points; // [-87, 0]: e^x a normal float
            }

            Vector256<float> e = Exp(Vector256.Create(lanes));
            for (int lane = 0; lane < 8; lane++)
            {
                double exact = Math.Exp(lanes[lane]);
                float nearest = (float)exact;
                double ulp = MathF.BitIncrement(nearest) - nearest;
                double error = Math.Abs(e.GetElement(lane) - exact) / ulp;
                if (error > worst)
                {
                    worst = error;
                    worstAt = lanes[lane];
                }
            }
        }

        Assert.True(worst <= 2.0, "the vector Exp is " + worst.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " units in the last place off at x = " + worstAt.ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        // The ends: e^0 is exactly 1; below the clamp (and -infinity, a softmax's padding lane) about
        // 1.2e-38, which a softmax's division turns into 0 next to its largest term, 1.
        Vector256<float> ends = Exp(Vector256.Create(0f, -0f, -87.3f, -88f, -100f, -1000f, float.NegativeInfinity, -1e-30f));
        Assert.Equal(1f, ends.GetElement(0));
        Assert.Equal(1f, ends.GetElement(1));
        Assert.Equal(1f, ends.GetElement(7));
        for (int lane = 3; lane < 7; lane++)
        {
            Assert.InRange(ends.GetElement(lane), 0f, 2e-38f);
        }

        Assert.InRange(ends.GetElement(2), 0.9 * Math.Exp(-87.3), 1.1 * Math.Exp(-87.3));
    }
}
