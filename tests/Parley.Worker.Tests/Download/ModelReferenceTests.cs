using Parley.Worker.Download;

namespace Parley.Worker.Tests.Download;

public sealed class ModelReferenceTests
{
    [Theory]
    [InlineData("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", null, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "main")]
    [InlineData("Qwen/Qwen3-0.6B@v1.0", null, "Qwen/Qwen3-0.6B", "v1.0")]
    [InlineData("hf://Qwen/Qwen3-0.6B@refs/pr/3", null, "Qwen/Qwen3-0.6B", "refs/pr/3")]
    [InlineData("hf://Qwen/Qwen3-0.6B", null, "Qwen/Qwen3-0.6B", "main")]
    [InlineData("Qwen/Qwen3-0.6B", "dev", "Qwen/Qwen3-0.6B", "dev")]
    [InlineData("Qwen/Qwen3-0.6B@dev", "dev", "Qwen/Qwen3-0.6B", "dev")]
    public void Parse_HubForms_GiveRepositoryAndRevision(string model, string? revision, string repoId, string expectedRevision)
    {
        var reference = ModelReference.Parse(model, revision);

        reference.IsLocal.Should().BeFalse();
        reference.RepoId.Should().Be(repoId);
        reference.Revision.Should().Be(expectedRevision);
    }

    [Fact]
    public void Parse_ExistingFolder_IsLocalWithItsFullPath()
    {
        var folder = Directory.CreateTempSubdirectory("parley-model-");
        try
        {
            var reference = ModelReference.Parse(Path.GetRelativePath(Environment.CurrentDirectory, folder.FullName));

            reference.IsLocal.Should().BeTrue();
            reference.LocalPath.Should().Be(folder.FullName);
            reference.RepoId.Should().BeNull();
        }
        finally
        {
            folder.Delete();
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("gpt2")]
    [InlineData("org/")]
    [InlineData("org/name@")]
    [InlineData("hf://org")]
    [InlineData("org/na me")]
    [InlineData("org/name--x")]
    [InlineData("org/a..b")]
    [InlineData("https://huggingface.co/org/name")]
    public void Parse_MalformedId_FailsNamingTheAcceptedForms(string model)
    {
        var parse = () => ModelReference.Parse(model);

        parse.Should().Throw<FormatException>().WithMessage("*org/name, org/name@revision, hf://org/name@revision, or the path of a folder that exists*");
    }

    [Fact]
    public void Parse_Demo_IsNotAHubId()
    {
        var parse = () => ModelReference.Parse("demo");

        parse.Should().Throw<FormatException>().WithMessage("'demo' is the built-in model*");
    }

    [Fact]
    public void Parse_MissingFolderPath_SaysTheFolderDoesNotExist()
    {
        var parse = () => ModelReference.Parse("/models/nowhere/llama");

        parse.Should().Throw<FormatException>().WithMessage("model folder '/models/nowhere/llama' does not exist*");
    }

    [Fact]
    public void Parse_TwoDifferentRevisions_Fails()
    {
        var parse = () => ModelReference.Parse("org/name@v1", "v2");

        parse.Should().Throw<FormatException>().WithMessage("*'v1'*'v2'*");
    }
}
