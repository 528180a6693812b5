// GET /: the built-in chat page, one self-contained HTML file embedded in the assembly (no build step, no CDN).
using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Parley.Worker.ChatPage;

/// <summary>Serves the chat page.</summary>
public static class ChatPageEndpoint
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Parley.Worker.ChatPage.index.html")
            ?? throw new InvalidOperationException("The chat page is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IResult Serve() => Results.Content(Page.Value, "text/html; charset=utf-8");
}
