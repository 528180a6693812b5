// vLLM's `--config file.yaml`: a YAML mapping whose keys are flag names without the leading dashes (`max-model-len`
// or `max_model_len`) and whose values are the flags' values. `true` gives a bare switch, `false` a switch set off, a
// list several values (`served-model-name: [a, b]`).
using YamlDotNet.RepresentationModel;

namespace Parley.Worker.Cli;

/// <summary>Reads a vLLM config file as flags.</summary>
internal static class ConfigFile
{
    /// <summary>One flag from the file: its name (<c>--max-model-len</c>) and the arguments that spell it.</summary>
    public sealed record Flag(string Name, IReadOnlyList<string> Arguments);

    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="FormatException">The file is not a mapping of flags to scalars or lists of scalars.</exception>
    public static IReadOnlyList<Flag> Arguments(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException exception)
        {
            throw new FormatException($"not valid YAML ({exception.Message}).", exception);
        }

        if (yaml.Documents.Count == 0)
        {
            return [];
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new FormatException("the file must be a mapping of flag names to values, e.g. `max-model-len: 4096`.");
        }

        return mapping.Children.Select(entry => ToFlag(entry.Key, entry.Value)).ToList();
    }

    private static Flag ToFlag(YamlNode key, YamlNode value)
    {
        var name = "--" + (key as YamlScalarNode)?.Value?.Replace('_', '-');
        IReadOnlyList<string> values = value switch
        {
            YamlScalarNode scalar when IsTrue(scalar.Value) => [],
            YamlScalarNode scalar => [scalar.Value ?? ""],
            YamlSequenceNode list when list.Children.All(item => item is YamlScalarNode) => list.Children.Select(item => ((YamlScalarNode)item).Value ?? "").ToList(),
            _ => throw new FormatException($"{name} must have a value or a list of values; nested settings are not supported."),
        };
        return new Flag(name, [name, .. values]);
    }

    private static bool IsTrue(string? value) => value is "true" or "True" or "TRUE";
}
