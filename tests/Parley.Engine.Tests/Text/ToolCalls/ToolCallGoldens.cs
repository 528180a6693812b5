// Golden answers for every tool-call format: the model's text and the content and calls it must parse into. The
// texts follow the markup each family's chat template renders for an assistant's calls (the templates under
// Golden/ChatTemplates and the npm tokenizer packages) and the examples in vLLM's parsers; the expected results were
// written by hand from those formats. A malformed case has two answers: ParseWhole gives the whole text as content
// (vLLM's non-streaming answer), and a stream gives what it could not take back.
namespace Parley.Engine.Tests.Text.ToolCalls;

public sealed record GoldenCall(string Name, string Arguments);

public sealed record ToolCallGolden(string Format, string Case, string Text, string Content, GoldenCall[] Calls)
{
    /// <summary>For a malformed answer: what a stream yields (ParseWhole yields the text as content).</summary>
    public (string Content, GoldenCall[] Calls)? Streamed { get; init; }

    public bool IsMalformed => Streamed is not null;

    public override string ToString() => $"{Format}: {Case}";
}

public static class ToolCallGoldens
{
    // Arguments that try the JSON reader: nesting, braces and quotes inside strings, escapes, unicode, numbers, literals.
    public const string TrickyArguments =
        """{"query": {"text": "a {b} [c] \"d\" \\", "tags": ["x", {"y": []}]}, "n": -1.5e3, "ok": true, "none": null, "say": "héllo 日本 👍 \u00e9"}""";

    private const string Paris = """{"city": "Paris"}""";

    private const string Tokyo = """{"city": "Tokyo", "days": 3}""";

    public static IReadOnlyList<ToolCallGolden> All { get; } =
    [
        .. Hermes(), .. Llama(), .. Mistral(), .. DeepSeekV3(), .. DeepSeekV31(),
    ];

    private static GoldenCall[] Calls(params (string Name, string Arguments)[] calls) =>
        calls.Select(c => new GoldenCall(c.Name, c.Arguments)).ToArray();

    private static IEnumerable<ToolCallGolden> Hermes()
    {
        const string F = "hermes";
        static string Call(string name, string arguments) => $"<tool_call>\n{{\"name\": \"{name}\", \"arguments\": {arguments}}}\n</tool_call>";
        yield return new(F, "plain text", "The weather is nice, 1 < 2 and <b>bold</b>.", "The weather is nice, 1 < 2 and <b>bold</b>.", []);
        yield return new(F, "one call", Call("get_weather", Paris), "", Calls(("get_weather", Paris)));
        yield return new(F, "two calls", Call("get_weather", Paris) + "\n" + Call("get_weather", Tokyo), "",
            Calls(("get_weather", Paris), ("get_weather", Tokyo)));
        yield return new(F, "text before a call", "Let me check.\n\n" + Call("get_weather", Paris), "Let me check.\n\n", Calls(("get_weather", Paris)));
        yield return new(F, "text after the calls", Call("a", "{}") + "\n\nDone.", "Done.", Calls(("a", "{}")));
        yield return new(F, "tricky arguments", Call("search", TrickyArguments), "", Calls(("search", TrickyArguments)));
        yield return new(F, "name after arguments", "<tool_call>{\"arguments\": {\"x\": 1}, \"id\": 7, \"name\": \"f\"}</tool_call>", "", Calls(("f", """{"x": 1}""")));
        yield return new(F, "no arguments", "<tool_call>{\"name\": \"now\"}</tool_call>", "", Calls(("now", "{}")));
        yield return new(F, "calls without closing tags", "<tool_call>{\"name\": \"a\", \"arguments\": {}}<tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>", "",
            Calls(("a", "{}"), ("b", "{}")));
        yield return new(F, "last call unclosed", "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": [1, 2.5]}}", "", Calls(("f", """{"a": [1, 2.5]}""")));
        yield return new(F, "not json after the tag", "<tool_call>\nnot json\n</tool_call> ok", "<tool_call>\nnot json\n</tool_call> ok", [])
        {
            Streamed = ("<tool_call>\nnot json\n</tool_call> ok", []),
        };
        yield return new(F, "bad json in the arguments", "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": }}</tool_call>\nafter",
            "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": }}</tool_call>\nafter", [])
        {
            Streamed = ("after", Calls(("f", """{"a": """))),
        };
    }

    private static IEnumerable<ToolCallGolden> Llama()
    {
        const string F = "llama3_json";
        yield return new(F, "plain text", "Use {braces} and <|python like this.", "Use {braces} and <|python like this.", []);
        yield return new(F, "bare json", """{"name": "get_weather", "parameters": {"city": "Paris"}}""", "", Calls(("get_weather", Paris)));
        yield return new(F, "bare json after whitespace", "\n  {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", "", Calls(("get_weather", Paris)));
        yield return new(F, "python tag", """<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris"}}""", "", Calls(("get_weather", Paris)));
        yield return new(F, "text before the python tag", """Sure.<|python_tag|>{"name": "get_weather", "arguments": {"city": "Paris"}}""", "Sure.",
            Calls(("get_weather", Paris)));
        yield return new(F, "two calls", """{"name": "a", "parameters": {"city": "Paris"}}; {"name": "b", "parameters": {"city": "Tokyo", "days": 3}}""", "",
            Calls(("a", Paris), ("b", Tokyo)));
        yield return new(F, "tricky arguments", $$"""{"name": "search", "parameters": {{TrickyArguments}}}""", "", Calls(("search", TrickyArguments)));
        yield return new(F, "json that is not a call", """{"answer": 42}""", """{"answer": 42}""", [])
        {
            Streamed = ("""{"answer": 42}""", []),
        };
    }

    private static IEnumerable<ToolCallGolden> Mistral()
    {
        const string F = "mistral";
        yield return new(F, "plain text", "Arrays look like [1, 2] and [TOOL is not a marker.", "Arrays look like [1, 2] and [TOOL is not a marker.", []);
        yield return new(F, "v0.3 list, one call", """[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Paris"}}]""", "", Calls(("get_weather", Paris)));
        yield return new(F, "v0.3 list, two calls", """[TOOL_CALLS] [{"name": "a", "arguments": {"city": "Paris"}}, {"name": "b", "arguments": {"city": "Tokyo", "days": 3}}]""", "",
            Calls(("a", Paris), ("b", Tokyo)));
        yield return new(F, "name[ARGS] form, one call", """[TOOL_CALLS]get_weather[ARGS]{"city": "Paris"}""", "", Calls(("get_weather", Paris)));
        yield return new(F, "name[ARGS] form, two calls", """[TOOL_CALLS]a[ARGS]{"x": "}"}[TOOL_CALLS]b_2[ARGS]{"city": "Tokyo", "days": 3}""", "",
            Calls(("a", """{"x": "}"}"""), ("b_2", Tokyo)));
        yield return new(F, "name{} form, two calls", """[TOOL_CALLS]add{"a": 3.5, "b": 4}[TOOL_CALLS]multiply{"a": 3, "b": 6}""", "",
            Calls(("add", """{"a": 3.5, "b": 4}"""), ("multiply", """{"a": 3, "b": 6}""")));
        yield return new(F, "a name without arguments at the end", "[TOOL_CALLS]toolname_no_args", "", Calls(("toolname_no_args", "{}")));
        yield return new(F, "v0.3 list with spaces, then text", """[TOOL_CALLS]  [ {"name":"add" , "arguments" : {"a": 3, "b": 4} } ]""" + "\nextra trailing data",
            "extra trailing data", Calls(("add", """{"a": 3, "b": 4}""")));
        yield return new(F, "text before a call", "Checking the weather.\n[TOOL_CALLS]get_weather[ARGS]" + Paris, "Checking the weather.\n", Calls(("get_weather", Paris)));
        yield return new(F, "tricky arguments", "[TOOL_CALLS]search[ARGS]" + TrickyArguments, "", Calls(("search", TrickyArguments)));
        yield return new(F, "a name with a space", "[TOOL_CALLS]bad name[ARGS]{}", "[TOOL_CALLS]bad name[ARGS]{}", [])
        {
            Streamed = ("[TOOL_CALLS]bad name[ARGS]{}", []),
        };
    }

    private static IEnumerable<ToolCallGolden> DeepSeekV3()
    {
        const string F = "deepseek_v3";
        static string Call(string name, string arguments) =>
            $"<｜tool▁call▁begin｜>function<｜tool▁sep｜>{name}\n```json\n{arguments}\n```<｜tool▁call▁end｜>";
        static string Block(params string[] calls) => "<｜tool▁calls▁begin｜>" + string.Join("\n", calls) + "<｜tool▁calls▁end｜>";
        yield return new(F, "plain text", "No tools needed: <｜tool is text.", "No tools needed: <｜tool is text.", []);
        yield return new(F, "one call", Block(Call("get_weather", Paris)), "", Calls(("get_weather", Paris)));
        yield return new(F, "two calls", Block(Call("get_weather", Paris), Call("get_weather", Tokyo)), "", Calls(("get_weather", Paris), ("get_weather", Tokyo)));
        yield return new(F, "text before and after", "Let me look.\n" + Block(Call("a", "{}")) + "\nDone.", "Let me look.\nDone.", Calls(("a", "{}")));
        yield return new(F, "tricky arguments", Block(Call("search", TrickyArguments)), "", Calls(("search", TrickyArguments)));
        yield return new(F, "block without its end marker", "<｜tool▁calls▁begin｜>" + Call("a", Paris), "", Calls(("a", Paris)));
        yield return new(F, "two blocks, the first unclosed", "<｜tool▁calls▁begin｜>" + Call("a", Paris) + Block(Call("b", Tokyo)), "",
            Calls(("a", Paris), ("b", Tokyo)));
        yield return new(F, "arguments without the closing fence",
            "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>a\n```json\n{\"x\": 1}\n<｜tool▁call▁end｜><｜tool▁calls▁end｜>", "",
            Calls(("a", """{"x": 1}""")));
        yield return new(F, "bad json in the fence", Block(Call("get_weather", "{\"city\": Paris}"), Call("b", "{}")),
            Block(Call("get_weather", "{\"city\": Paris}"), Call("b", "{}")), [])
        {
            Streamed = ("", Calls(("get_weather", """{"city": """), ("b", "{}"))),
        };
    }

    private static IEnumerable<ToolCallGolden> DeepSeekV31()
    {
        const string F = "deepseek_v31";
        static string Call(string name, string arguments) => $"<｜tool▁call▁begin｜>{name}<｜tool▁sep｜>{arguments}<｜tool▁call▁end｜>";
        static string Block(params string[] calls) => "<｜tool▁calls▁begin｜>" + string.Concat(calls) + "<｜tool▁calls▁end｜>";
        yield return new(F, "plain text", "Plain answer.", "Plain answer.", []);
        yield return new(F, "one call", Block(Call("get_weather", Paris)), "", Calls(("get_weather", Paris)));
        yield return new(F, "two calls", Block(Call("get_weather", Paris), Call("get_weather", Tokyo)), "", Calls(("get_weather", Paris), ("get_weather", Tokyo)));
        yield return new(F, "text before a call", "I'll check.\n\n" + Block(Call("get_weather", Paris)), "I'll check.\n\n", Calls(("get_weather", Paris)));
        yield return new(F, "tricky arguments", Block(Call("search", TrickyArguments)), "", Calls(("search", TrickyArguments)));
        yield return new(F, "bad json in the arguments", Block(Call("get_weather", "{\"city\": Paris}")) + " after",
            Block(Call("get_weather", "{\"city\": Paris}")) + " after", [])
        {
            Streamed = ("after", Calls(("get_weather", """{"city": """))),
        };
    }
}
