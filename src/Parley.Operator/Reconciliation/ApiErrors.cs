// What the API server said when it refused a request: the v1.Status body of an HttpOperationException, read once here so
// the reconciler can tell "this ChatDeployment is gone" from "the API server rejected what was built from its spec".
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Parley.Api;

namespace Parley.Operator.Reconciliation;

/// <summary>Reads the <c>v1.Status</c> of refused API requests.</summary>
public static class ApiErrors
{
    /// <summary>The Status body of a refusal, or null when there is none (a proxy's page, a dropped connection).</summary>
    public static V1Status? StatusOf(Exception exception)
    {
        if (exception is not HttpOperationException { Response.Content: { Length: > 0 } content })
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(content) is { Kind: "Status" } status ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="exception"/> is a 404 for this ChatDeployment itself: it was deleted while it was
    /// being reconciled, and there is nothing left to do.</summary>
    public static bool IsChatGone(Exception exception, ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return exception.Is(HttpStatusCode.NotFound)
            && StatusOf(exception)?.Details is { } details
            && details.Kind == ChatDeployment.Plural && details.Group == ChatDeployment.Group && details.Name == chat.Metadata.Name;
    }

    /// <summary>Whether <paramref name="exception"/> is a 409 Conflict on this ChatDeployment itself: it changed (a spec
    /// edit, a deletion) after the cache was read; the watch brings the newer version and the reconcile runs again.</summary>
    public static bool IsChatConflict(Exception exception, ChatDeployment chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        return exception.Is(HttpStatusCode.Conflict)
            && StatusOf(exception) is { Reason: "Conflict", Details: { } details }
            && details.Kind == ChatDeployment.Plural && details.Group == ChatDeployment.Group && details.Name == chat.Metadata.Name;
    }

    /// <summary>Whether the API server refused an object as invalid (422) or undecodable (400, such as a bad quantity):
    /// sending it again cannot succeed until the spec it was built from changes.</summary>
    public static bool IsRejected(Exception exception) =>
        exception.Is(HttpStatusCode.UnprocessableEntity) || exception.Is(HttpStatusCode.BadRequest);

    /// <summary>The API server's own message, which names the field; the HTTP status line when the body says nothing.</summary>
    public static string MessageOf(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return StatusOf(exception)?.Message is { Length: > 0 } message ? message : exception.Message;
    }
}
