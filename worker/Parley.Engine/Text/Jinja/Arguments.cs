// Call arguments as Python passes them: positional values, then keyword values by name.
namespace Parley.Engine.Text.Jinja;

internal sealed record Arguments(IReadOnlyList<JinjaValue> Positional, IReadOnlyList<(string Name, JinjaValue Value)> Named)
{
    public static readonly Arguments None = new([], []);

    public static Arguments Of(params JinjaValue[] positional) => new(positional, []);

    /// <summary>The argument at <paramref name="index"/> or called <paramref name="name"/>; null when not given.</summary>
    public JinjaValue? Get(int index, string name)
    {
        foreach (var (key, value) in Named)
        {
            if (key == name)
            {
                return value;
            }
        }

        return index >= 0 && index < Positional.Count ? Positional[index] : null;
    }

    public JinjaValue Get(int index, string name, JinjaValue fallback) => Get(index, name) ?? fallback;

    public Arguments Skip(int count) => new(Positional.Skip(count).ToList(), Named);
}
