namespace Prunet.Tests;

public class OutputAgreementTests
{
    [Fact]
    public void ToleranceIsRelativeToTheLargestReferenceOutputButAtLeastOne()
    {
        Assert.True(OutputAgreement.Agrees(new[] { 0.00009f, 1f }, new[] { 0f, 1f }, out _));
        Assert.False(OutputAgreement.Agrees(new[] { 0.00011f, 1f }, new[] { 0f, 1f }, out string why));
        Assert.Contains("output 0", why);
        Assert.True(OutputAgreement.Agrees(new[] { 1000.09f, 5f }, new[] { 1000f, 5f }, out _));
        Assert.False(OutputAgreement.Agrees(new[] { 1000.2f, 5f }, new[] { 1000f, 5f }, out _));
        Assert.False(OutputAgreement.Agrees(new[] { float.NaN }, new[] { 0f }, out _));
        Assert.False(OutputAgreement.Agrees(new[] { 1f }, new[] { 1f, 2f }, out _));
    }

    [Fact]
    public void ClassesMustMatchOnlyWhenTheReferenceIsDecisive()
    {
        // Top two 0.5 apart: decisive, and these values agree anyway.
        Assert.True(OutputAgreement.Agrees(new[] { 0.2f, 0.7f }, new[] { 0.2f, 0.7f }, out _));

        // A near tie (gap below the margin): a different argmax within tolerance is accepted.
        Assert.True(OutputAgreement.Agrees(new[] { 0.50005f, 0.5f }, new[] { 0.5f, 0.50004f }, out _));
    }
}
