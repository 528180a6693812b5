// model.source: where a checkpoint comes from: the hub, a claim, the worker's built-in demo model, or a folder on the
// machine (what `parley-operator dev` runs, where the worker is a local process).
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Parley.Api;

/// <summary>Where a checkpoint is: on the Hugging Face hub, on a PersistentVolumeClaim, built into the worker, or in a local folder.</summary>
/// <param name="Kind">Hub, volume claim, demo or local folder.</param>
/// <param name="Id">For the hub, <c>org/name</c>; for a claim, the claim name; <c>demo</c> for the demo; empty for a local folder.</param>
/// <param name="Path">For a claim, the folder inside it; for a local folder, its absolute path; empty otherwise.</param>
public sealed partial record ModelSource(ModelSourceKind Kind, string Id, string Path)
{
    /// <summary><c>hf://org/name</c>, <c>pvc://claim/path</c>, a plain <c>org/name</c> hub id, <c>demo</c>, or an absolute
    /// folder path (<c>/path</c> or <c>file:///path</c>). A claim's path has no <c>.</c> or <c>..</c> segment (it must stay
    /// inside the claim's mount); no path has white space or control characters.</summary>
    public const string Pattern =
        @"^((hf://)?[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/" + PathSegment + ")*/?|"
        + DemoName + "|(file://)?(/" + PathSegment + ")+/?)$";

    /// <summary>The worker's built-in demo model: random weights, a real architecture, nothing to download.</summary>
    public const string DemoName = "demo";

    private const string FileScheme = "file://";

    // One folder name: not "." or "..", and none of '/', white space or control characters.
    private const string PathSegment = @"(\.?[^./\s\x00-\x1F\x7F][^/\s\x00-\x1F\x7F]*|\.\.[^/\s\x00-\x1F\x7F]+)";

    /// <summary>The repository name without its organisation (<c>DeepSeek-R1-Distill-Qwen-1.5B</c>), or the folder's name.</summary>
    public string ShortName => (Kind is ModelSourceKind.HuggingFace or ModelSourceKind.Demo ? Id : Path.TrimEnd('/')).Split('/')[^1] is { Length: > 0 } last ? last : Id;

    /// <summary>The name the API serves the model under when <c>servedName</c> is unset.</summary>
    public string DefaultServedName => Kind == ModelSourceKind.HuggingFace ? Id : ShortName;

    /// <summary>Whether the worker reads nothing from the hub for it (the demo and local folders need no revision or cache).</summary>
    public bool IsOnHub => Kind == ModelSourceKind.HuggingFace;

    /// <summary>Parses a <c>model.source</c> value.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ModelSource? source)
    {
        source = null;
        // .NET's '$' also matches before a final newline, which the API server's does not: control characters are refused here.
        if (text is null || text.Any(char.IsControl) || !SourceRegex().IsMatch(text))
        {
            return false;
        }

        if (text == DemoName)
        {
            source = new ModelSource(ModelSourceKind.Demo, DemoName, "");
            return true;
        }

        if (text.StartsWith('/') || text.StartsWith(FileScheme, StringComparison.Ordinal))
        {
            var path = text.StartsWith(FileScheme, StringComparison.Ordinal) ? text[FileScheme.Length..] : text;
            source = new ModelSource(ModelSourceKind.LocalFolder, "", path.Length > 1 ? path.TrimEnd('/') : path);
            return true;
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

    /// <summary>The worker's built-in demo model (<c>--model demo</c>): it talks nonsense, fluently, on any machine.</summary>
    Demo,

    /// <summary>A checkpoint folder on the machine the worker runs on: for <c>parley-operator dev</c>, where workers are local processes.</summary>
    LocalFolder,
}
