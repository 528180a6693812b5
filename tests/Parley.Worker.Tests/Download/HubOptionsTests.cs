using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

public sealed class HubOptionsTests
{
    [Fact]
    public void FromEnvironment_NothingSet_UsesHuggingFaceDefaults()
    {
        var options = HubOptions.FromEnvironment(null, Environment(("HOME", "/home/u")));

        options.Endpoint.Should().Be(new Uri("https://huggingface.co"));
        options.CacheDirectory.Should().Be("/home/u/.cache/huggingface/hub");
        options.Token.Should().BeNull();
        options.IsOffline.Should().BeFalse();
    }

    [Fact]
    public void FromEnvironment_HfHome_PutsTheCacheInItsHubFolder()
    {
        var options = HubOptions.FromEnvironment(null, Environment(("HOME", "/home/u"), ("HF_HOME", "/data/hf")));

        options.CacheDirectory.Should().Be("/data/hf/hub");
    }

    [Fact]
    public void FromEnvironment_DownloadDir_WinsOverTheEnvironment()
    {
        var options = HubOptions.FromEnvironment("/models", Environment(("HF_HOME", "/data/hf"), ("HF_HUB_CACHE", "/cache")));

        options.CacheDirectory.Should().Be("/models");
    }

    [Fact]
    public void FromEnvironment_HubVariables_AreRead()
    {
        var options = HubOptions.FromEnvironment(null, Environment(
            ("HF_HOME", "/data/hf"), ("HF_ENDPOINT", "http://mirror.local:8080"), ("HF_TOKEN", "hf_abc"), ("HF_HUB_OFFLINE", "1")));

        options.Endpoint.Should().Be(new Uri("http://mirror.local:8080"));
        options.Token.Should().Be("hf_abc");
        options.IsOffline.Should().BeTrue();
    }

    [Theory]
    [InlineData("0", false)]
    [InlineData("", false)]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    public void FromEnvironment_HfHubOffline_AcceptsHuggingFaceTruthyValues(string value, bool isOffline) =>
        HubOptions.FromEnvironment("/models", Environment(("HF_HUB_OFFLINE", value))).IsOffline.Should().Be(isOffline);

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(variable => variable.Name == name).Value;
}
