// The tool-call formats Parley reads, named as vLLM's --tool-call-parser names them. Each knows the markers its parser
// must see in the detokenized text (special tokens among them, which the caller must not skip) and makes a fresh
// parser per answer. ParseWhole reads a finished answer with the same parser the stream uses, so the two agree.
namespace Parley.Engine.Text.ToolCalls;

/// <summary>One model family's way of writing tool calls.</summary>
public sealed class ToolCallFormat
{
    public static readonly ToolCallFormat Hermes = new(
        "hermes", [HermesToolCallParser.StartTag, HermesToolCallParser.EndTag], () => new HermesToolCallParser());

    public static readonly ToolCallFormat Llama3Json = new(
        "llama3_json", [LlamaJsonToolCallParser.PythonTag], () => new LlamaJsonToolCallParser());

    public static readonly ToolCallFormat Mistral = new(
        "mistral", [MistralToolCallParser.ToolCallsMarker, MistralToolCallParser.ArgsMarker], () => new MistralToolCallParser());

    public static readonly ToolCallFormat DeepSeekV3 = new("deepseek_v3", DeepSeekMarkers, () => new DeepSeekToolCallParser(isV31: false));

    public static readonly ToolCallFormat DeepSeekV31 = new("deepseek_v31", DeepSeekMarkers, () => new DeepSeekToolCallParser(isV31: true));

    private static readonly ToolCallFormat[] All = [Hermes, Llama3Json, Mistral, DeepSeekV3, DeepSeekV31];

    private readonly Func<MarkupToolCallParser> _createParser;

    private ToolCallFormat(string name, IReadOnlyList<string> markers, Func<MarkupToolCallParser> createParser)
    {
        Name = name;
        Markers = markers;
        _createParser = createParser;
    }

    /// <summary>The known format names, as vLLM's <c>--tool-call-parser</c> spells them.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(f => f.Name).ToArray();

    /// <summary>vLLM's parser name.</summary>
    public string Name { get; }

    /// <summary>The markup the parser needs to see; when these are special tokens, the detokenizer must keep them.</summary>
    public IReadOnlyList<string> Markers { get; }

    private static string[] DeepSeekMarkers =>
    [
        DeepSeekToolCallParser.CallsBegin, DeepSeekToolCallParser.CallsEnd, DeepSeekToolCallParser.CallBegin,
        DeepSeekToolCallParser.CallEnd, DeepSeekToolCallParser.Separator,
    ];

    /// <summary>The format with this vLLM name.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static ToolCallFormat ByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(f => string.Equals(f.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown tool-call parser '{name}'; use one of {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>The format a chat template teaches or replays; null when it shows no tool-call markup.</summary>
    /// <remarks>See <see cref="ChatTemplateToolSupport"/> for the rules.</remarks>
    public static ToolCallFormat? Detect(string chatTemplate) =>
        ChatTemplateToolSupport.DetectFormatName(chatTemplate) is { } name ? ByName(name) : null;

    /// <summary>Whether the chat template renders the request's <c>tools</c> list into the prompt at all.</summary>
    public static bool SupportsTools(string chatTemplate) => ChatTemplateToolSupport.RendersTools(chatTemplate);

    /// <summary>A parser for one answer.</summary>
    public IToolCallParser CreateParser() => _createParser();

    /// <summary>Parses a finished answer: its content, and one delta per call carrying the complete arguments.</summary>
    /// <remarks>Streaming the same text gives the same content and calls. A malformed call makes the whole text
    /// content with no calls, as vLLM's non-streaming parsers answer (a stream cannot take back what it sent).</remarks>
    public ToolParse ParseWhole(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = _createParser();
        var parse = ToolParses.Merge([parser.Append(text), parser.Finish()]);
        return parser.HasMalformedCall ? new ToolParse(text, []) : parse;
    }

    public override string ToString() => Name;
}
