// The generated Secret: the worker's API key (unless the user brings one), Open WebUI's session-signing key, and the
// password of Open WebUI's first admin account (with sign-in on), so the UI starts with an admin and sign-up closed
// instead of making the first stranger who reaches it the admin.
//
// Generated values are kept across reconciles (an existing Secret's values win), so API clients and signed-in users are
// not cut off. When the UI's data is retained on delete, so is this Secret: a re-created ChatDeployment then finds the
// same keys and nobody is logged out.
using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Parley.Operator.Resources;

/// <summary>Builds the credentials Secret.</summary>
public static class Credentials
{
    public const string ApiKeyKey = "api-key";
    public const string WebUiSecretKeyKey = "webui-secret-key";
    public const string WebUiAdminPasswordKey = "webui-admin-password";

    /// <summary>The e-mail of the admin account Open WebUI creates at its first start.</summary>
    public const string WebUiAdminEmail = "admin@parley.local";

    /// <summary>A 256-bit random value as 64 hex digits.</summary>
    public static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Builds the Secret, or null when there is nothing to generate (the user's API key and no UI).</summary>
    /// <param name="context">The build inputs.</param>
    /// <param name="existing">The Secret in the cluster, whose values are kept.</param>
    /// <param name="newKey">Makes a fresh random value.</param>
    public static V1Secret? Build(BuildContext context, V1Secret? existing, Func<string> newKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(newKey);
        var keys = new List<string>();
        if (context.Worker.ApiKeySecretRef is null)
        {
            keys.Add(ApiKeyKey);
        }

        if (context.IsUiEnabled)
        {
            keys.Add(WebUiSecretKeyKey);
        }

        if (HasAdminAccount(context))
        {
            keys.Add(WebUiAdminPasswordKey);
        }

        if (keys.Count == 0)
        {
            return null;
        }

        var data = keys.ToDictionary(key => key, key => existing?.Data?.TryGetValue(key, out var value) == true ? value : Encoding.UTF8.GetBytes(newKey()));
        var secret = new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta { Name = ResourceNames.Credentials(context.Chat), NamespaceProperty = context.Namespace, Labels = Labels.For(context.Chat, Labels.UiComponent) },
            Data = data,
        };
        return context.RetainsUiData ? Ownership.Retain(secret) : Ownership.Own(secret, context.Chat);
    }

    /// <summary>Whether Open WebUI gets a generated admin account: the UI runs with sign-in on.</summary>
    public static bool HasAdminAccount(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.IsUiEnabled && context.Ui.Auth != false;
    }

    /// <summary>The pod-template annotation holding <see cref="BuildContext.ApiKeyChecksum"/>.</summary>
    public const string ApiKeyChecksumAnnotation = "parley.dev/api-key-checksum";

    /// <summary>A digest of the key as the worker uses it (trimmed), never the key itself.</summary>
    public static string Checksum(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey.Trim())))[..16];
    }

    /// <summary>A pod template's annotations: the user's, plus the API key's checksum when known; null when none.</summary>
    public static Dictionary<string, string>? PodAnnotations(BuildContext context, IDictionary<string, string>? user = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var annotations = user is { Count: > 0 } ? new Dictionary<string, string>(user) : [];
        if (context.ApiKeyChecksum is { } checksum)
        {
            annotations[ApiKeyChecksumAnnotation] = checksum;
        }

        return annotations.Count > 0 ? annotations : null;
    }

    /// <summary>The API key as the worker uses it (trimmed): from the user's Secret when one is named, otherwise from ours.</summary>
    public static string? ApiKeyOf(BuildContext context, V1Secret? credentials, V1Secret? userSecret)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reference = ApiKeyReference(context);
        var secret = context.Worker.ApiKeySecretRef is null ? credentials : userSecret;
        return secret?.Data?.TryGetValue(reference.Key, out var bytes) == true ? Encoding.UTF8.GetString(bytes).Trim() : null;
    }

    /// <summary>Where the worker's API key is: the user's Secret, or ours.</summary>
    public static V1SecretKeySelector ApiKeyReference(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Worker.ApiKeySecretRef ?? new V1SecretKeySelector { Name = ResourceNames.Credentials(context.Chat), Key = ApiKeyKey };
    }
}
