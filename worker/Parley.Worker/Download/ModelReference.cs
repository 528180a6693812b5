// --model: a Hugging Face repository (with an optional revision) or a checkpoint folder already on disk.
using System.Text.RegularExpressions;

namespace Parley.Worker.Download;

/// <summary>What <c>--model</c> names: a hub repository at a revision, or a local folder.</summary>
/// <remarks>
/// Accepted forms: <c>org/name</c>, <c>org/name@revision</c>, <c>hf://org/name</c>, <c>hf://org/name@revision</c>, and a
/// path to a folder that exists. An existing folder wins over a hub id of the same spelling. <c>demo</c> is the built-in
/// model and is not a hub id: the caller handles it before parsing.
/// </remarks>
public sealed partial record ModelReference
{
    /// <summary>The branch the hub serves when none is named.</summary>
    public const string DefaultRevision = "main";

    private const string AcceptedForms =
        "use org/name, org/name@revision, hf://org/name@revision, or the path of a folder that exists";

    private ModelReference(string? repoId, string revision, string? localPath)
    {
        RepoId = repoId;
        Revision = revision;
        LocalPath = localPath;
    }

    /// <summary><c>org/name</c> for a hub model; null for a local folder.</summary>
    public string? RepoId { get; }

    /// <summary>Branch, tag or commit on the hub (<c>main</c> unless named).</summary>
    public string Revision { get; }

    /// <summary>The absolute folder path for a local checkpoint; null for a hub model.</summary>
    public string? LocalPath { get; }

    public bool IsLocal => LocalPath is not null;

    /// <summary>A hub model at a revision.</summary>
    public static ModelReference Hub(string repoId, string revision = DefaultRevision) => new(repoId, revision, null);

    /// <summary>Parses <c>--model</c> and <c>--revision</c>.</summary>
    /// <param name="model">The <c>--model</c> value.</param>
    /// <param name="revision">The <c>--revision</c> value, or null when it was not given.</param>
    /// <exception cref="FormatException">The value is none of the accepted forms, or names two different revisions.</exception>
    public static ModelReference Parse(string model, string? revision = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Length > 0 && Directory.Exists(model))
        {
            return new ModelReference(null, revision ?? DefaultRevision, Path.GetFullPath(model));
        }

        if (model == "demo")
        {
            throw new FormatException($"'demo' is the built-in model, not a hub id: {AcceptedForms}.");
        }

        var isHubUri = model.StartsWith("hf://", StringComparison.Ordinal);
        if (!isHubUri && LooksLikePath(model))
        {
            throw new FormatException($"model folder '{model}' does not exist: {AcceptedForms}.");
        }

        var text = isHubUri ? model["hf://".Length..] : model;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var id = at < 0 ? text : text[..at];
        var embedded = at < 0 ? null : text[(at + 1)..];
        if (!IsRepoId(id) || embedded is { Length: 0 })
        {
            throw new FormatException($"'{model}' is not a model: {AcceptedForms}.");
        }

        if (embedded is not null && revision is not null && embedded != revision)
        {
            throw new FormatException($"'{model}' names revision '{embedded}' but --revision is '{revision}': give one.");
        }

        return new ModelReference(id, embedded ?? revision ?? DefaultRevision, null);
    }

    /// <inheritdoc/>
    public override string ToString() => IsLocal ? LocalPath! : $"{RepoId}@{Revision}";

    // The hub's own rule: 1-96 characters of letters, digits, '.', '_', '-' per part, and no "--" or ".." anywhere
    // ("--" would also make the cache folder name models--org--name ambiguous).
    private static bool IsRepoId(string id) =>
        RepoIdRegex().IsMatch(id) && !id.Contains("--", StringComparison.Ordinal) && !id.Contains("..", StringComparison.Ordinal);

    private static bool LooksLikePath(string text) =>
        text.StartsWith('/') || text.StartsWith("./", StringComparison.Ordinal) || text.StartsWith("../", StringComparison.Ordinal)
        || text.StartsWith('~') || text.Count(c => c == '/') > 1;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")]
    private static partial Regex RepoIdRegex();
}
