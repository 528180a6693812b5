// The verbs on one resource path: list, get, create, update, patch and delete. Each runs under the store's lock and
// returns the status code and body to answer; refusals are thrown as ApiStatusException. Watches are WatchStream's.
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Parley.LocalCluster.Api;

internal readonly record struct ApiResponse(int StatusCode, JsonObject Body);

internal sealed class ResourceEndpoints(ObjectStore store)
{
    public async Task<ApiResponse> HandleAsync(HttpRequest request, ResourcePath target, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        lock (store.Gate)
        {
            return (request.Method, target.Name, target.IsStatus) switch
            {
                ("GET", null, _) => List(target, request.Query),
                ("POST", null, _) when target.Namespace is not null || !target.Type.IsNamespaced => Create(target, body),
                ("GET", not null, _) => new(200, Get(target).DeepClone().AsObject()),
                ("PUT", not null, var isStatus) => new(200, Update(target, RequireObject(body), isStatus)),
                ("PATCH", not null, _) => new(200, Patch(target, request.ContentType, body)),
                ("DELETE", not null, false) => Delete(target, request.Query, body as JsonObject),
                _ => throw ApiStatusException.MethodNotAllowed(request.Method),
            };
        }
    }

    private ApiResponse List(ResourcePath target, IQueryCollection query)
    {
        var labels = LabelSelector.Parse(query["labelSelector"]);
        var fields = FieldSelector.Parse(query["fieldSelector"]);
        var items = new JsonArray();
        foreach (var (_, obj) in store.Entries(target.Type, target.Namespace))
        {
            if (labels.Matches(obj) && fields.Matches(obj))
            {
                items.Add(obj.DeepClone());
            }
        }

        return new(200, new JsonObject
        {
            ["kind"] = target.Type.Kind + "List",
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    private JsonObject Get(ResourcePath target) => store.Find(target.Key) ?? throw ApiStatusException.NotFound(target.Type, target.Name!);

    private ApiResponse Create(ResourcePath target, JsonNode? body) =>
        new(201, ObjectWrites.Create(store, target.Type, target.Namespace, RequireObject(body).DeepClone().AsObject()).DeepClone().AsObject());

    private JsonObject Update(ResourcePath target, JsonObject body, bool isStatus) =>
        ObjectWrites.Update(store, target.Key, body, isStatus ? WriteTarget.Status : WriteTarget.Main).DeepClone().AsObject();

    private JsonObject Patch(ResourcePath target, string? contentType, JsonNode? patch)
    {
        var stored = Get(target);
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        var patched = mediaType switch
        {
            "application/merge-patch+json" or "application/strategic-merge-patch+json" =>
                MergePatch.Apply(stored, patch) as JsonObject ?? throw ApiStatusException.BadRequest("a merge patch must be a JSON object"),
            "application/json-patch+json" => JsonPatch.Apply(stored, patch),
            _ => throw ApiStatusException.UnsupportedMediaType(mediaType),
        };
        return Update(target, patched, target.IsStatus);
    }

    private ApiResponse Delete(ResourcePath target, IQueryCollection query, JsonObject? options)
    {
        var policy = options?["propagationPolicy"]?.GetValue<string>() ?? query["propagationPolicy"].ToString();
        var isOrphan = policy == "Orphan" || options?["orphanDependents"]?.GetValue<bool>() == true || query["orphanDependents"] == "true";
        var outcome = ObjectDeletion.Delete(store, target.Key, isOrphan ? DeletePropagation.Orphan : DeletePropagation.Background,
            options?["preconditions"] as JsonObject);
        var deleted = outcome.Object.DeepClone().AsObject();
        return new(200, outcome.IsRemoved && !target.Type.ReturnsDeletedObject ? StatusBody.Success(target.Type, deleted) : deleted);
    }

    private static JsonObject RequireObject(JsonNode? body) =>
        body as JsonObject ?? throw ApiStatusException.BadRequest("the request body must be a JSON object");

    private static async Task<JsonNode?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw ApiStatusException.BadRequest($"the request body is not valid JSON: {e.Message}");
        }
    }
}
