// HTTP/1.1 over a plain socket: the request line goes out byte for byte, so a test can send what HttpClient would
// normalize or refuse (percent-encoded path segments, odd methods). Reads only the status line and the body.
using System.Net.Sockets;
using System.Text;

namespace Parley.Worker.Tests.Hostile;

internal static class RawHttp
{
    public static async Task<(int Status, string Body)> SendAsync(int port, string method, string target, byte[]? body, IEnumerable<(string Name, string Value)> headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await using var stream = client.GetStream();
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (body is not null)
        {
            request.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length).Append("\r\n");
        }

        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
            if (body is not null)
            {
                await stream.WriteAsync(body);
            }
        }
        catch (IOException)
        {
            // The server may answer (413) and close before a large body is written; its answer is still there to read.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(timeout.Token);
        var status = int.Parse(response.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = split < 0 ? response : response[..split];
        var content = split < 0 ? "" : response[(split + 4)..];
        return (status, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(content) : content);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        for (var at = 0; at < chunked.Length;)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0 || !int.TryParse(chunked.AsSpan(at, lineEnd - at), System.Globalization.NumberStyles.HexNumber, null, out var size) || size == 0)
            {
                break;
            }

            body.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }

        return body.ToString();
    }
}
