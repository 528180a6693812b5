namespace Parley.Api.Tests;

public class ModelSourceTests
{
    [Theory]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", ModelSourceKind.HuggingFace, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "")]
    [InlineData("hf://Qwen/Qwen3-8B", ModelSourceKind.HuggingFace, "Qwen/Qwen3-8B", "")]
    [InlineData("pvc://models/llama3", ModelSourceKind.PersistentVolumeClaim, "models", "llama3")]
    [InlineData("pvc://models", ModelSourceKind.PersistentVolumeClaim, "models", "")]
    [InlineData("pvc://models/a/b/", ModelSourceKind.PersistentVolumeClaim, "models", "a/b/")]
    [InlineData("pvc://models/.cache/...x", ModelSourceKind.PersistentVolumeClaim, "models", ".cache/...x")]
    [InlineData("demo", ModelSourceKind.Demo, "demo", "")]
    [InlineData("/home/me/models/Qwen2.5-0.5B-Instruct", ModelSourceKind.LocalFolder, "", "/home/me/models/Qwen2.5-0.5B-Instruct")]
    [InlineData("file:///srv/models/tiny/", ModelSourceKind.LocalFolder, "", "/srv/models/tiny")]
    public void TryParse_AcceptedForms_SplitIntoKindIdAndPath(string text, ModelSourceKind kind, string id, string path)
    {
        ModelSource.TryParse(text, out var source).Should().BeTrue();

        source.Should().Be(new ModelSource(kind, id, path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("name-only")]
    [InlineData("org/name/extra")]
    [InlineData("s3://bucket/model")]
    [InlineData("pvc://Upper/x")]
    [InlineData("hf://org/na me")]
    [InlineData("pvc://claim/../../etc")]
    [InlineData("pvc://claim/models/..")]
    [InlineData("pvc://claim/./x")]
    [InlineData("pvc://claim/x\n")]
    [InlineData("org/name\n")]
    [InlineData("pvc://claim/a\u0000b")]
    [InlineData("Demo")]
    [InlineData("demo/")]
    [InlineData("relative/../path/x")]
    [InlineData("/models/../etc")]
    [InlineData("/models/with space")]
    [InlineData("file://relative")]
    public void TryParse_OtherText_IsRejected(string text)
    {
        ModelSource.TryParse(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("demo", "demo")]
    [InlineData("/home/me/models/Qwen2.5-0.5B-Instruct/", "Qwen2.5-0.5B-Instruct")]
    public void DefaultServedName_OfTheDemoAndOfAFolder_IsTheirShortName(string text, string served)
    {
        ModelSource.TryParse(text, out var source).Should().BeTrue();

        source!.DefaultServedName.Should().Be(served);
        source.IsOnHub.Should().BeFalse();
    }

    [Fact]
    public void ShortName_IsTheLastPathSegment()
    {
        ModelSource.TryParse("pvc://models/llama/Meta-Llama-3-8B-Instruct/", out var source).Should().BeTrue();

        source!.ShortName.Should().Be("Meta-Llama-3-8B-Instruct");
    }
}
