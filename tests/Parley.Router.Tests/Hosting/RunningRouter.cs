// A router on a loopback port, in process, for tests that speak HTTP to it.
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Parley.Api.Contracts;
using Parley.Router.Backends;
using Parley.Router.Hosting;
using Parley.Testing;

namespace Parley.Router.Tests.Hosting;

internal sealed class RunningRouter : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningRouter(WebApplication app, RouterOptions options)
    {
        _app = app;
        Options = options;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public RouterOptions Options { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a router; <paramref name="configure"/> adjusts options whose backends are <paramref name="upstreams"/>.</summary>
    public static Task<RunningRouter> StartAsync(IEnumerable<FakeUpstream> upstreams, Func<RouterOptions, RouterOptions>? configure = null) =>
        StartAsync(new RouterOptions { Backends = [.. upstreams.Select(u => u.Url)] }, configure);

    public static async Task<RunningRouter> StartAsync(RouterOptions options, Func<RouterOptions, RouterOptions>? configure = null, IBackendSource? source = null)
    {
        options = options with { Host = "127.0.0.1", Port = LoopbackPort.Free() };
        options = configure?.Invoke(options) ?? options;
        var app = RouterApp.Build(options, source);
        await app.StartAsync();
        return new RunningRouter(app, options);
    }

    public async Task<RouterLoad> LoadAsync(string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RouterLoad.Path);
        if (apiKey is not null)
        {
            request.Headers.Authorization = new("Bearer", apiKey);
        }

        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RouterLoad>())!;
    }

    /// <summary>Polls the load report until <paramref name="condition"/> holds (a wait for an event, not a timing assertion).</summary>
    public async Task<RouterLoad> WaitForLoadAsync(Func<RouterLoad, bool> condition)
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var load = await LoadAsync(Options.ApiKey);
            if (condition(load))
            {
                return load;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The router's load report never met the condition.");
    }

    public Task<string> MetricsAsync() => Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
