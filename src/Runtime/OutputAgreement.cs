using System;
using System.Globalization;

namespace Prunet;

/// <summary>
/// The rule by which another implementation of a model (generated code, an exporter, a faster
/// kernel) agrees with the reference interpreter. Outputs <c>a</c> agree with reference outputs
/// <c>b</c> when, for every output j, <c>|a_j - b_j| &lt;= 1e-4 * max(1, max_k |b_k|)</c>; and the
/// predicted classes are equal whenever the reference's two largest outputs differ by more than
/// <c>1e-3 * max(1, max_k |b_k|)</c>. Implementations may sum in any order within this rule.
/// </summary>
public static class OutputAgreement
{
    /// <summary>Allowed difference per output, relative to the largest reference output (at least 1).</summary>
    public const double ValueTolerance = 1e-4;

    /// <summary>Gap between the reference's two largest outputs beyond which classes must match.</summary>
    public const double ClassMargin = 1e-3;

    /// <summary>True when <paramref name="actual"/> agrees with <paramref name="reference"/>; otherwise says why.</summary>
    public static bool Agrees(ReadOnlySpan<float> actual, ReadOnlySpan<float> reference, out string disagreement)
    {
        if (actual.Length != reference.Length)
        {
            disagreement = "expected " + reference.Length + " outputs, got " + actual.Length;
            return false;
        }

        double scale = 1.0;
        foreach (float b in reference)
        {
            scale = Math.Max(scale, Math.Abs((double)b));
        }

        for (int j = 0; j < reference.Length; j++)
        {
            double difference = Math.Abs((double)actual[j] - reference[j]);
            if (!(difference <= ValueTolerance * scale))
            {
                disagreement = string.Format(CultureInfo.InvariantCulture, "output {0} is {1:R}, the reference {2:R}: differs by {3:G3}, more than {4:G3}", j, actual[j], reference[j], difference, ValueTolerance * scale);
                return false;
            }
        }

        if (reference.Length > 1)
        {
            int best = PrunedModel.ArgMax(reference);
            float second = float.NegativeInfinity;
            for (int j = 0; j < reference.Length; j++)
            {
                if (j != best)
                {
                    second = Math.Max(second, reference[j]);
                }
            }

            int predicted = PrunedModel.ArgMax(actual);
            if ((double)reference[best] - second > ClassMargin * scale && predicted != best)
            {
                disagreement = "predicted class " + predicted + ", the reference " + best;
                return false;
            }
        }

        disagreement = string.Empty;
        return true;
    }
}
