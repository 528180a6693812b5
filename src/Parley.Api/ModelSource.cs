// model.source: where a checkpoint comes from, in one of three spellings.
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Parley.Api;

/// <summary>Where a checkpoint is: on the Hugging Face hub, or on a PersistentVolumeClaim.</summary>
/// <param name="Kind">Hub or volume claim.</param>
/// <param name="Id">For the hub, <c>org/name</c>; for a claim, the claim name.</param>
/// <param name="Path">For a claim, the folder inside it; empty for the hub.</param>
public sealed partial record ModelSource(ModelSourceKind Kind, string Id, string Path)
{
    /// <summary><c>hf://org/name</c>, <c>pvc://claim/path</c>, or a plain <c>org/name</c> hub id. A claim's path has no
    /// <c>.</c> or <c>..</c> segment (it must stay inside the claim's mount) and no white space or control character.</summary>
    public const string Pattern =
        @"^((hf://)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/" + PathSegment + ")*/?)$";

    // One folder name: not "." or "..", and none of '/', white space or control characters.
    private const string PathSegment = @"(\.?[^./\s\x00-\x1F\x7F][^/\s\x00-\x1F\x7F]*|\.\.[^/\s\x00-\x1F\x7F]+)";

    /// <summary>The repository name without its organisation (<c>DeepSeek-R1-Distill-Qwen-1.5B</c>), or the folder's name.</summary>
    public string ShortName => (Kind == ModelSourceKind.HuggingFace ? Id : Path.TrimEnd('/')).Split('/')[^1] is { Length: > 0 } last ? last : Id;

    /// <summary>The name the API serves the model under when <c>servedName</c> is unset.</summary>
    public string DefaultServedName => Kind == ModelSourceKind.HuggingFace ? Id : ShortName;

    /// <summary>Parses a <c>model.source</c> value.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelSource? source)
    {
        source = null;
        // .NET's '$' also matches before a final newline, which the API server's does not: control characters are refused here.
        if (text is null || text.Any(char.IsControl) || !SourceRegex().IsMatch(text))
        {
            return false;
        }

        if (text.StartsWith("pvc://", StringComparison.Ordinal))
        {
            var rest = text["pvc://".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            source = slash < 0
                ? new ModelSource(ModelSourceKind.PersistentVolumeClaim, rest, "")
                : new ModelSource(ModelSourceKind.PersistentVolumeClaim, rest[..slash], rest[(slash + 1)..]);
            return true;
        }

        var id = text.StartsWith("hf://", StringComparison.Ordinal) ? text["hf://".Length..] : text;
        source = new ModelSource(ModelSourceKind.HuggingFace, id, "");
        return true;
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex SourceRegex();
}

/// <summary>Where a checkpoint is stored.</summary>
public enum ModelSourceKind
{
    /// <summary>Downloaded from the Hugging Face hub by the worker.</summary>
    HuggingFace,

    /// <summary>Read from a folder on a PersistentVolumeClaim.</summary>
    PersistentVolumeClaim,
}
