// A stand-in worker that answers GET /v1/parley/info on loopback, checking the API key like the real one.
using System.Net;
using System.Text;
using System.Text.Json;
using Parley.Api.Contracts;

using Parley.Testing;

namespace Parley.Operator.Tests.Integration;

internal sealed class WorkerInfoStub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public WorkerInfoStub(WorkerInfo info)
    {
        Port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(() => ServeAsync(info));
    }

    public int Port { get; }

    /// <summary>The Authorization headers received, in order.</summary>
    public List<string?> Authorizations { get; } = [];

    private async Task ServeAsync(WorkerInfo info)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var authorization = context.Request.Headers["Authorization"];
            lock (Authorizations)
            {
                Authorizations.Add(authorization);
            }

            var found = context.Request.Url?.AbsolutePath == WorkerInfo.Path;
            context.Response.StatusCode = found ? 200 : 404;
            var body = Encoding.UTF8.GetBytes(found ? JsonSerializer.Serialize(info) : "{}");
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }


    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
