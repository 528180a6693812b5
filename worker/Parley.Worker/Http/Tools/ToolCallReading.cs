// How a chat request's answer is read for tool calls, settled from its tool_choice and the model: auto reads the
// model's own markup with the format's parser (its marker tokens kept in the text); required and named constrain the
// decoding to JSON and read that; none reads nothing.
using Parley.Engine.Text.ToolCalls;
using Parley.Worker.Serving;

namespace Parley.Worker.Http.Tools;

/// <summary>A tool-call parser per answer, and the special tokens it must see.</summary>
public sealed record ToolCallReading(Func<IToolCallParser> CreateParser, IReadOnlySet<int> KeptSpecialIds)
{
    /// <summary>The generation settings for a request with tools: the constraint and the reading its tool_choice asks.</summary>
    public static GenerationSettings Apply(ChatTools tools, ServedModel model, GenerationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(tools);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        switch (tools.Choice)
        {
            case ToolChoiceMode.Auto:
                var format = model.Tools.Format ?? throw ApiException.BadRequest(NoAutoToolChoice(model), "tool_choice");
                Func<IToolCallParser> parser = tools.ParallelToolCalls ? format.CreateParser : () => new FirstCallOnlyParser(format.CreateParser());
                return settings with { ToolCalls = new ToolCallReading(parser, model.Tools.MarkerTokenIds) };
            case ToolChoiceMode.Required or ToolChoiceMode.Named:
                var constraint = StructuredOutputRequest.Compile(model, ToolCallSchemas.For(tools)!, "tools");
                var named = tools.NamedFunction;
                return settings with
                {
                    Sampling = settings.Sampling with { Constraint = constraint },
                    ToolCalls = new ToolCallReading(() => named is null ? new RequiredToolCallsParser() : new NamedToolCallParser(named), new HashSet<int>()),
                };
            default:
                return settings;
        }
    }

    private static string NoAutoToolChoice(ServedModel model) => model.Tools.TemplateRendersTools
        ? $"This model's chat template renders tools, but in a markup none of the known parsers reads; start the worker with --tool-call-parser ({string.Join(", ", ToolCallFormat.Names)}), or send tool_choice \"required\" or a named function (decoding then writes the call), or \"none\"."
        : "This model's chat template does not render tools, so the model cannot choose to call them (tool_choice \"auto\"): send tool_choice \"none\" to answer in text, \"required\" or a named function to have decoding write the call, or serve the model with a --chat-template that renders tools.";
}
