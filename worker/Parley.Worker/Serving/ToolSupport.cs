// What the served model can do with tools, settled once at load: whether its chat template renders a tools list, and
// which markup its answers carry tool calls in (the format the template writes, or --tool-call-parser). The markers
// of that format are often special tokens (Llama 3's <|python_tag|>, Mistral's [TOOL_CALLS]), which detokenizing
// would drop; their ids are kept so the parser still sees them.
using System.Text;
using Parley.Engine.Text;
using Parley.Engine.Text.ToolCalls;

namespace Parley.Worker.Serving;

/// <summary>The model's tool-calling abilities.</summary>
/// <param name="TemplateRendersTools">The chat template shows the model a tools list.</param>
/// <param name="Format">The tool-call markup answers are read for; null when there is none to read.</param>
/// <param name="MarkerTokenIds">Special tokens the format's parser must see in the text.</param>
public sealed record ToolSupport(bool TemplateRendersTools, ToolCallFormat? Format, IReadOnlySet<int> MarkerTokenIds)
{
    public static ToolSupport None { get; } = new(false, null, new HashSet<int>());

    /// <summary>Settles tool support from the chat template's source and the --tool-call-parser flag.</summary>
    public static ToolSupport For(string? templateSource, string? parserName, TokenDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        var renders = templateSource is not null && ToolCallFormat.SupportsTools(templateSource);
        var format = parserName is not null ? ToolCallFormat.ByName(parserName)
            : renders ? ToolCallFormat.Detect(templateSource!)
            : null;
        return new ToolSupport(renders, format, format is null ? new HashSet<int>() : SpecialIdsOf(format.Markers, decoder));
    }

    private static HashSet<int> SpecialIdsOf(IReadOnlyList<string> markers, TokenDecoder decoder)
    {
        var wanted = markers.Select(Encoding.UTF8.GetBytes).ToList();
        var ids = new HashSet<int>();
        for (var id = 0; id < decoder.VocabularySize; id++)
        {
            if (decoder.IsSpecial(id) && wanted.Exists(marker => decoder.Bytes(id).SequenceEqual(marker)))
                ids.Add(id);
        }

        return ids;
    }
}
