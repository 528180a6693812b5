// GET {endpoint}/api/models/{repo}/revision/{revision}: {"sha": "<commit>", "siblings": [{"rfilename": "config.json"}, ...]}
using System.Text.Json;

namespace Parley.Worker.Download;

/// <summary>The commit a revision points at and the files in it.</summary>
internal sealed record RevisionInfo(string Commit, IReadOnlyList<string> Files)
{
    public static RevisionInfo Parse(JsonElement root)
    {
        var commit = root.TryGetProperty("sha", out var sha) ? sha.GetString() : null;
        if (commit is null)
        {
            throw new HubDownloadException("the hub's revision answer has no \"sha\": is HF_ENDPOINT a Hugging Face hub?");
        }

        var files = root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array
            ? siblings.EnumerateArray()
                .Select(sibling => sibling.TryGetProperty("rfilename", out var name) ? name.GetString() : null)
                .OfType<string>()
                .ToList()
            : [];
        return new RevisionInfo(commit, files);
    }
}
