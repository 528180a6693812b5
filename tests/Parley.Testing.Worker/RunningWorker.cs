using System.Net;
using Microsoft.AspNetCore.Builder;
using Parley.Engine.Models;
using Parley.Testing;
using Parley.Testing.Models;
using Parley.Worker;
using Parley.Worker.Hosting;
using Parley.Worker.Serving;

namespace Parley.Testing.Worker;

/// <summary>A worker on a loopback port serving a tiny random model, for tests that speak HTTP to it.</summary>
public sealed class RunningWorker : IAsyncDisposable
{
    public const string ModelName = "tiny";

    private readonly TinyCheckpointFolder _model;
    private readonly WebApplication _app;

    private RunningWorker(TinyCheckpointFolder model, WebApplication app, WorkerOptions options)
    {
        _model = model;
        _app = app;
        Options = options;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WorkerOptions Options { get; }
    public HttpClient Http { get; }
    public Uri V1 => new(Http.BaseAddress!, "/v1");
    public ModelHost Host => (ModelHost)_app.Services.GetService(typeof(ModelHost))!;
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a worker; <paramref name="configure"/> adjusts its options, <paramref name="beforeLoad"/> delays the model load,
    /// <paramref name="prepare"/> edits the checkpoint folder first.</summary>
    public static async Task<RunningWorker> StartAsync(
        Func<WorkerOptions, WorkerOptions>? configure = null, Task? beforeLoad = null, bool waitUntilReady = true, TinyModelSpec? spec = null, Action<string>? prepare = null)
    {
        var model = new TinyCheckpointFolder(spec ?? new TinyModelSpec { MaxPositionEmbeddings = 256 }, seed: 3);
        var folder = model.Path;
        prepare?.Invoke(folder);
        var options = new WorkerOptions { Model = folder, ServedModelNames = [ModelName], Host = "127.0.0.1", Port = LoopbackPort.Free(), MaxNumSeqs = 8, ShutdownGraceSeconds = 10, Device = "cpu" };
        options = configure?.Invoke(options) ?? options;
        var app = WorkerApp.Build(options, async (_, _, cancellationToken) =>
        {
            if (beforeLoad is not null)
            {
                await beforeLoad.WaitAsync(cancellationToken);
            }

            return folder;
        });
        await app.StartAsync();
        var worker = new RunningWorker(model, app, options);
        if (waitUntilReady)
        {
            await worker.WaitUntilReadyAsync();
        }

        return worker;
    }

    public async Task WaitUntilReadyAsync()
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("The worker did not become ready.");
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _model.Dispose();
    }
}
