// What every API handler starts with: the loaded model (503 while loading or draining), the parsed body, and the
// requested model name checked against the served one (404 like vLLM when it differs).
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Worker.Serving;

namespace Parley.Worker.Api;

/// <summary>Shared first steps of the API handlers.</summary>
public static class RequestContext
{
    public static ServedModel Model(ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.IsDraining)
        {
            throw new ApiException(503, "The worker is shutting down; retry on another replica.", retryAfter: TimeSpan.FromSeconds(5));
        }

        return host.Model ?? throw new ApiException(503, host.LoadError is { } error ? $"The model failed to load: {error}" : "The model is still loading; retry shortly.", retryAfter: TimeSpan.FromSeconds(5));
    }

    public static async Task<RequestReader> BodyAsync(HttpRequest request, ServedModel model)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(model);
        using var body = new StreamReader(request.Body);
        var reader = RequestReader.Parse(await body.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false));
        if (reader.String("model") is { } name && name != model.Name)
        {
            throw new ApiException(404, $"The model `{name}` does not exist.", "model");
        }

        return reader;
    }

    /// <summary>Logs the fields no handler read; vLLM accepts them too, because real clients send extras.</summary>
    public static void LogUnknownFields(RequestReader reader, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (logger.IsEnabled(LogLevel.Information) && reader.UnreadFields.Any())
        {
            logger.UnknownFields(string.Join(", ", reader.UnreadFields));
        }
    }
}
