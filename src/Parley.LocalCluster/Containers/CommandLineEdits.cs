// Rewrites a container's arguments for a local process: every pod on this machine shares 127.0.0.1, so each gets its
// own free port instead of the container port, and flags that name paths inside the image are set or dropped.
namespace Parley.LocalCluster.Containers;

/// <summary>Edits of <c>--flag value</c> pairs in an argument list.</summary>
public static class CommandLineEdits
{
    /// <summary>The arguments with <paramref name="flag"/>'s value set to <paramref name="value"/>, appended when absent.</summary>
    public static List<string> Set(IEnumerable<string> arguments, string flag, string value)
    {
        var edited = Remove(arguments, flag);
        edited.AddRange([flag, value]);
        return edited;
    }

    /// <summary>The arguments without <paramref name="flag"/> and its value (both the <c>--flag value</c> and <c>--flag=value</c> forms).</summary>
    public static List<string> Remove(IEnumerable<string> arguments, string flag)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var list = arguments.ToList();
        var edited = new List<string>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == flag)
            {
                i++; // and its value
            }
            else if (!list[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                edited.Add(list[i]);
            }
        }

        return edited;
    }

    /// <summary>The value of <paramref name="flag"/>, or null.</summary>
    public static string? Get(IReadOnlyList<string> arguments, string flag)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == flag && i + 1 < arguments.Count)
            {
                return arguments[i + 1];
            }

            if (arguments[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                return arguments[i][(flag.Length + 1)..];
            }
        }

        return null;
    }
}
