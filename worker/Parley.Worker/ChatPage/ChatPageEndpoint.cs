// GET /: the built-in chat page, one self-contained HTML file embedded in the assembly (no build step, no CDN). It is
// served with a Content-Security-Policy that allows exactly its own inline script (by hash), its inline styles and
// requests to its own origin, and may not be framed: injected markup cannot run script or send a conversation away.
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.ChatPage;

/// <summary>Serves the chat page.</summary>
public static partial class ChatPageEndpoint
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Parley.Worker.ChatPage.index.html")
            ?? throw new InvalidOperationException("The chat page is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    private static readonly Lazy<string> Policy = new(() => ContentSecurityPolicy(Page.Value));

    public static IResult Serve(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy.Value;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(Page.Value, "text/html; charset=utf-8");
    }

    /// <summary>The page's policy: its inline scripts by SHA-256, nothing else.</summary>
    public static string ContentSecurityPolicy(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var hashes = InlineScript().Matches(page)
            .Select(match => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(match.Groups[1].Value)))}'");
        return $"default-src 'none'; script-src {string.Join(' ', hashes)}; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; " +
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    [GeneratedRegex(@"<script>(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();
}
