// What every API handler starts with: the loaded model (503 while loading or draining), the parsed body, and the
// requested model name checked against the served ones and the LoRA adapters (404 like vLLM when it is none of them).
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Shared first steps of the API handlers.</summary>
public static class RequestContext
{
    // Invalid bytes are an error, not U+FFFD: a client whose text was mangled should hear it, not get an answer to
    // something it did not send. A leading byte order mark is skipped, as RFC 8259 allows.
    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

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
        if (request.ContentType is { Length: > 0 } type && !IsJson(type))
        {
            throw ApiException.BadRequest($"Content-Type must be application/json, got '{RequestReader.Truncated(type)}'.");
        }

        string json;
        using (var body = new StreamReader(request.Body, StrictUtf8))
        {
            try
            {
                json = await body.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (System.Text.DecoderFallbackException)
            {
                throw ApiException.BadRequest("The request body is not valid UTF-8; send JSON encoded as UTF-8.");
            }
        }

        var reader = RequestReader.Parse(json);
        if (reader.String("model") is { } name && !model.Names.Contains(name) && model.Adapters?.Find(name) is null)
        {
            throw new ApiException(404, $"The model `{name}` does not exist.", "model");
        }

        return reader;
    }

    // A request without a Content-Type is read as JSON (curl users forget the header); a declared other type is refused.
    private static bool IsJson(string contentType)
    {
        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Logs the fields no handler read; vLLM accepts them too, because real clients send extras.</summary>
    public static void LogUnknownFields(RequestReader reader, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (logger.IsEnabled(LogLevel.Information) && reader.UnreadFields.Any())
        {
            // Names are the client's: cut each, and their number, so a megabyte of field name is not a megabyte of log.
            const int MaxNames = 16;
            var unread = reader.UnreadFields.ToList();
            var names = string.Join(", ", unread.Take(MaxNames).Select(RequestReader.Truncated));
            logger.UnknownFields(unread.Count > MaxNames ? $"{names} and {unread.Count - MaxNames} more" : names);
        }
    }
}
