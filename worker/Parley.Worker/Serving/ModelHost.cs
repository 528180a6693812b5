// The model's life in the worker process: loaded in the background once the HTTP server listens (so /health can say
// 503 "loading" instead of refusing connections), served, and on SIGTERM drained: no new requests, running streams
// get up to the grace period, then the engine stops. A failed load stops the host with exit code 1.
//
// Draining happens in StoppingAsync, which the host runs before it stops any service: the HTTP server still listens
// then, so a request that arrives during the drain gets a 503 with Retry-After (and the load balancer moves on)
// instead of a refused connection, and the running streams finish through it.
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Engine.Backends.Cuda;

namespace Parley.Worker.Serving;

/// <summary>Loads, holds and drains the served model.</summary>
public sealed class ModelHost(WorkerOptions options, ModelLoader.FolderResolver resolveFolder, IHostApplicationLifetime lifetime, ILogger<ModelHost> logger)
    : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TerminationMessage _terminationMessage = new(options.TerminationLog);
    private Task? _loading;

    /// <summary>The model once loaded; null while loading or after a failure.</summary>
    public ServedModel? Model { get; private set; }

    /// <summary>Raised once the model is loaded and just before it serves (before <see cref="Model"/> is set), so
    /// whatever watches the engine (metrics) sees every request.</summary>
    public event Action<ServedModel>? Loaded;

    /// <summary>Why loading failed, when it did.</summary>
    public string? LoadError { get; private set; }

    /// <summary>True from SIGTERM on.</summary>
    public bool IsDraining { get; private set; }

    /// <summary>The process exit code: 1 after a failed load.</summary>
    public int ExitCode { get; private set; }

    // Loading starts once the server listens: a load that fails at once (no GPU, no such folder) must not stop the
    // host while Kestrel is still binding, and /health must be answering 503 while a slow load runs.
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Volatile.Write(ref _loading, Task.Run(LoadAsync, CancellationToken.None)));
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        IsDraining = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Model is { } model)
        {
            model.Engine.StopAccepting();
            var deadline = DateTime.UtcNow.AddSeconds(options.ShutdownGraceSeconds);
            while (model.Engine.Stats is { Running: > 0 } or { Waiting: > 0 } && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _loading) is { } loading)
        {
            await loading.ConfigureAwait(false);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        Model?.Engine.Dispose();
        Model?.MemoryClaim?.Dispose();
        _stopping.Dispose();
    }

    // Out of GPU memory mid-run: the termination message tells the operator's step-down, and the process must end
    // non-zero so the pod restarts with the stepped-down plan instead of failing every request.
    private void OnStepFailed(Exception exception)
    {
        if (exception is GpuOutOfMemoryException outOfMemory)
        {
            _terminationMessage.Write(outOfMemory);
            logger.OutOfGpuMemory(exception.Message);
            ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private async Task LoadAsync()
    {
        try
        {
            var model = await ModelLoader.LoadAsync(options, resolveFolder, logger, _stopping.Token).ConfigureAwait(false);
            model.Engine.StepFailed += OnStepFailed;
            Loaded?.Invoke(model);
            Model = model;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Any load failure ends the process with its message, not a stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            if (exception is GpuOutOfMemoryException outOfMemory)
            {
                _terminationMessage.Write(outOfMemory);
            }

            LoadError = exception.Message;
            ExitCode = 1;
            logger.LoadFailed(options.Model, exception.Message);
            lifetime.StopApplication();
        }
    }
}
