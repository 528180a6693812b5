// Variable frames. Like Jinja2, a for loop or macro body gets its own frame, so a {% set %} inside it is gone
// after it ends (templates use namespace() to carry values out); if-blocks share their parent's frame.
namespace Parley.Engine.Text.Jinja;

internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, JinjaValue> _variables = new(StringComparer.Ordinal);
    private readonly Scope? _parent = parent;

    public JinjaValue Lookup(string name)
    {
        for (var scope = this; scope is not null; scope = scope._parent)
        {
            if (scope._variables.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return UndefinedValue.Named(name);
    }

    public void Set(string name, JinjaValue value) => _variables[name] = value;
}
