// Context values arrive as System.Text.Json nodes; Python's json.loads would give int for "1" and float for "1.0".
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parley.Engine.Text.Jinja;

internal static class JsonConversion
{
    public static JinjaValue ToValue(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return NoneValue.Instance;
            case JsonArray array:
                return new ListValue(array.Select(ToValue).ToList());
            case JsonObject obj:
                var dict = new DictValue();
                foreach (var (key, value) in obj)
                {
                    dict.Set(new StringValue(key), ToValue(value));
                }

                return dict;
            default:
                return node.GetValueKind() switch
                {
                    JsonValueKind.String => new StringValue(node.GetValue<string>()),
                    JsonValueKind.True => BoolValue.True,
                    JsonValueKind.False => BoolValue.False,
                    JsonValueKind.Number => Number(node.ToJsonString()),
                    _ => NoneValue.Instance,
                };
        }
    }

    private static JinjaValue Number(string raw) =>
        raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
            ? new IntValue(integer)
            : new FloatValue(double.Parse(raw, CultureInfo.InvariantCulture));
}
