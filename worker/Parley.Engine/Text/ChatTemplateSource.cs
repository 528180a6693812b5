// Which chat template a model is served with, in vLLM's order: --chat-template (a file or the template itself), then
// chat_template in tokenizer_config.json, then chat_template.jinja beside it. No template is an error that says what
// to do: a silent generic template is how a model ends up answering in the wrong format.
using System.Text.Json.Nodes;

namespace Parley.Engine.Text;

/// <summary>A resolved chat template and where it came from.</summary>
public sealed record ChatTemplateSource(string Template, string Origin)
{
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string TemplateFile = "chat_template.jinja";

    /// <summary>Finds the template for a checkpoint folder.</summary>
    /// <param name="flag">The <c>--chat-template</c> value: a path to a file, or template text (anything with "{").</param>
    /// <param name="modelFolder">The checkpoint folder.</param>
    /// <param name="name">For tokenizer configs with several named templates, which one (default: "default").</param>
    /// <exception cref="FileNotFoundException">No template anywhere; the message says how to give one.</exception>
    public static ChatTemplateSource Resolve(string? flag, string modelFolder, string name = "default")
    {
        ArgumentNullException.ThrowIfNull(modelFolder);
        if (!string.IsNullOrEmpty(flag))
        {
            return File.Exists(flag) ? new(File.ReadAllText(flag), $"--chat-template {flag}")
                : flag.Contains('{', StringComparison.Ordinal) ? new(flag, "--chat-template (inline)")
                : throw new FileNotFoundException($"--chat-template '{flag}' is neither a file nor a template.", flag);
        }

        var config = Path.Combine(modelFolder, TokenizerConfigFile);
        if (File.Exists(config) && FromTokenizerConfig(JsonNode.Parse(File.ReadAllText(config)), name) is { } template)
        {
            return new(template, config);
        }

        var file = Path.Combine(modelFolder, TemplateFile);
        if (File.Exists(file))
        {
            return new(File.ReadAllText(file), file);
        }

        throw new FileNotFoundException(
            $"{modelFolder} has no chat template (no chat_template in {TokenizerConfigFile}, no {TemplateFile}); " +
            "pass one with --chat-template <file>, or spec.model.chatTemplate in a ChatDeployment.", file);
    }

    /// <summary>The <c>chat_template</c> of a tokenizer_config.json: a string, or a list of <c>{name, template}</c>.</summary>
    public static string? FromTokenizerConfig(JsonNode? config, string name = "default")
    {
        return config?["chat_template"] switch
        {
            JsonValue text => text.GetValue<string>(),
            JsonArray named => named.FirstOrDefault(entry => entry?["name"]?.GetValue<string>() == name)?["template"]?.GetValue<string>()
                ?? named.FirstOrDefault()?["template"]?.GetValue<string>(),
            _ => null,
        };
    }
}
