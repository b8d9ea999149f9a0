using Gcl.MLNet.Flows;
using Xunit;

namespace Gcl.MLNet.Tests.Flows;

public sealed class FlowOptionsTests
{
    [Fact]
    public void DefaultsAreValid() => new FlowOptions().Validate();

    [Theory]
    [InlineData("Blocks", "FlowOptions.Blocks must be at least 1; got 0.")]
    [InlineData("HiddenWidth", "FlowOptions.HiddenWidth must be at least 1; got 0.")]
    [InlineData("HiddenLayers", "FlowOptions.HiddenLayers must be at least 0; got -1.")]
    [InlineData("SplineBins", "FlowOptions.SplineBins must be at least 2; got 1.")]
    [InlineData("SplineBound", "FlowOptions.SplineBound must be a finite number > 0; got 0.")]
    [InlineData("LogScaleBound", "FlowOptions.LogScaleBound must be a finite number > 0; got NaN.")]
    [InlineData("Kind", "FlowOptions.Kind must be one of AffineCoupling, RationalQuadraticSpline; got 7.")]
    public void InvalidOptionIsNamedInTheMessage(string option, string message)
    {
        var options = option switch
        {
            "Blocks" => new FlowOptions(Blocks: 0),
            "HiddenWidth" => new FlowOptions(HiddenWidth: 0),
            "HiddenLayers" => new FlowOptions(HiddenLayers: -1),
            "SplineBins" => new FlowOptions(SplineBins: 1),
            "SplineBound" => new FlowOptions(SplineBound: 0),
            "LogScaleBound" => new FlowOptions(LogScaleBound: double.NaN),
            _ => new FlowOptions(Kind: (FlowLayerKind)7),
        };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(option, error.ParamName);
        Assert.StartsWith(message, error.Message);
    }
}
