// Test shorthand: render a template with a context written as JSON.
using System.Text.Json.Nodes;
using Parley.Engine.Text.Jinja;

namespace Parley.Engine.Tests.Text.Jinja;

internal static class Jinja
{
    public static string Render(string template, string contextJson = "{}", TimeProvider? clock = null) =>
        JinjaTemplate.Parse(template).Render(Context(contextJson), clock);

    public static Dictionary<string, JsonNode?> Context(string json) =>
        JsonNode.Parse(json)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone());
}
