// The public entry point: parse a Hugging Face chat template once, render it many times, from any thread.
using System.Text;
using System.Text.Json.Nodes;

namespace Parley.Engine.Text.Jinja;

/// <summary>A parsed Jinja template that renders the way transformers' <c>apply_chat_template</c> does.</summary>
/// <remarks>
/// Semantics follow Python Jinja2 3.1 with transformers' settings: sandboxed, <c>trim_blocks</c>, <c>lstrip_blocks</c>,
/// the <c>loopcontrols</c> extension, <c>{% generation %}</c> blocks, the globals <c>raise_exception</c> and
/// <c>strftime_now</c>, and <c>tojson</c> without ASCII escaping. <see cref="Parse"/> and <see cref="Render(IReadOnlyDictionary{string, JsonNode?}, TimeProvider?)"/>
/// throw <see cref="JinjaException"/> with the template line; constructs outside that subset fail at parse time.
/// </remarks>
public sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Node> _nodes;

    private JinjaTemplate(IReadOnlyList<Node> nodes) => _nodes = nodes;

    public static JinjaTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new JinjaTemplate(Parser.Parse(source));
    }

    /// <summary>Renders with <paramref name="context"/> as the template's variables (messages, tools, bos_token, ...).</summary>
    /// <param name="context">Variables as JSON nodes; a JSON null becomes Python's None.</param>
    /// <param name="clock">The clock <c>strftime_now</c> reads, local time; the system clock when null.</param>
    public string Render(IReadOnlyDictionary<string, JsonNode?> context, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var globals = new Scope(null);
        Globals.AddTo(globals, clock ?? TimeProvider.System);
        var scope = new Scope(globals);
        foreach (var (name, node) in context)
        {
            scope.Set(name, JsonConversion.ToValue(node));
        }

        var output = new StringBuilder();
        Interpreter.Render(_nodes, scope, output);
        return output.ToString();
    }
}
