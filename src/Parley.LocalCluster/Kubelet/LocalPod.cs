// One pod's supervisor, a small kubelet: start the container, probe /health until it answers, and when the process
// exits record how (exit code, the tail of its standard error) and start it again after a backoff that doubles up to
// a small cap. Stopping marks the pod terminating first, so the sync loop can take its endpoint out of rotation before
// the process gets SIGTERM.
//   Waiting(ContainerCreating) -> Running(not ready) -> Running(ready) -> exit -> Waiting(CrashLoopBackOff) -> Running ...
//   any state -> Stop: terminating -> SIGTERM -> grace -> SIGKILL -> Terminated
using System.Net;
using Parley.LocalCluster.Containers;

namespace Parley.LocalCluster.Kubelet;

/// <summary>Runs and supervises the process of one local pod.</summary>
public sealed class LocalPod : IAsyncDisposable
{
    private readonly IContainerRunner _runner;
    private readonly LocalKubeletOptions _options;
    private readonly Func<ContainerLaunch> _launch;
    private readonly TimeSpan _gracePeriod;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Lock _gate = new();
    private PodState _state = new();
    private IRunningContainer? _container;
    private Task? _supervising;
    private Task? _stopped;

    /// <param name="launch">Builds the launch at each start, so a restarted container sees the Secrets as they are now.</param>
    public LocalPod(string ns, string name, string deployment, string templateHash, IContainerRunner runner, LocalKubeletOptions options, Func<ContainerLaunch> launch, TimeSpan gracePeriod)
    {
        (Namespace, Name, Deployment, TemplateHash) = (ns, name, deployment, templateHash);
        (_runner, _options, _launch, _gracePeriod) = (runner, options, launch, gracePeriod);
    }

    public string Namespace { get; }
    public string Name { get; }

    /// <summary>The Deployment that wants this pod.</summary>
    public string Deployment { get; }

    /// <summary>The hash of the pod template it was made from; a Deployment whose template changed replaces it.</summary>
    public string TemplateHash { get; }

    /// <summary>The current state, a snapshot.</summary>
    public PodState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The process id of the running container, or null.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_gate)
            {
                return _container?.Exited.IsCompleted == false ? _container.ProcessId : null;
            }
        }
    }

    /// <summary>Whether <see cref="Stop"/> has finished: no process is left.</summary>
    public bool HasStopped => _stopped?.IsCompleted == true;

    public void Start() => _supervising = Task.Run(SuperviseAsync);

    /// <summary>Marks the pod terminating now; the process is stopped by <see cref="Stop"/>.</summary>
    public void MarkTerminating() => Change(state => state with { IsTerminating = true, IsReady = false, ReadySince = null });

    /// <summary>Stops the process (SIGTERM, grace period, SIGKILL) in the background; <see cref="HasStopped"/> tells when it is done.</summary>
    public Task Stop()
    {
        lock (_gate)
        {
            return _stopped ??= StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stop().ConfigureAwait(false);
        _stopping.Dispose();
        _probe.Dispose();
    }

    private async Task StopAsync()
    {
        MarkTerminating();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_supervising is not null)
        {
            await _supervising.ConfigureAwait(false);
        }

        IRunningContainer? container;
        lock (_gate)
        {
            container = _container;
        }

        if (container is not null)
        {
            await container.StopAsync(_gracePeriod).ConfigureAwait(false);
            await container.DisposeAsync().ConfigureAwait(false);
        }

        Change(state => state with { Phase = ContainerPhase.Terminated, IsReady = false, ReadySince = null });
    }

    private async Task SuperviseAsync()
    {
        var token = _stopping.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var start = StartContainer();
                if (start?.NotRunReason is { } reason)
                {
                    Change(state => state with { Phase = ContainerPhase.Waiting, WaitingReason = "NotRunLocally", WaitingMessage = reason });
                    return;
                }

                if (start?.Running is { } container)
                {
                    await RunUntilExitAsync(container, token).ConfigureAwait(false);
                }

                if (!token.IsCancellationRequested)
                {
                    await Task.Delay(Backoff(State.RestartCount), token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping; StopAsync ends the process.
        }
    }

    private ContainerStart? StartContainer()
    {
        try
        {
            var start = _runner.Start(_launch());
            if (start.Running is { } container)
            {
                lock (_gate)
                {
                    _container = container;
                    _state = _state with { Phase = ContainerPhase.Running, Port = container.Port, IsReady = false, ReadySince = null, StartedAt = DateTime.UtcNow, WaitingMessage = null };
                }
            }

            return start;
        }
        catch (ContainerStartException e)
        {
            Change(state => state with { Phase = ContainerPhase.Waiting, WaitingReason = "CreateContainerError", WaitingMessage = e.Message, RestartCount = state.RestartCount + 1 });
            return null;
        }
    }

    private async Task RunUntilExitAsync(IRunningContainer container, CancellationToken token)
    {
        while (!container.Exited.IsCompleted && !token.IsCancellationRequested)
        {
            var isReady = await AnswersHealthAsync(container.Port, token).ConfigureAwait(false);
            var answeredAt = DateTime.UtcNow;
            Change(state => state.IsTerminating ? state : state with { IsReady = isReady, ReadySince = isReady ? state.ReadySince ?? answeredAt : null });
            await Task.WhenAny(container.Exited, Task.Delay(_options.ProbeInterval, token)).ConfigureAwait(false);
        }

        if (token.IsCancellationRequested)
        {
            return;
        }

        var exitCode = await container.Exited.ConfigureAwait(false);
        var finished = DateTime.UtcNow;
        await container.DisposeAsync().ConfigureAwait(false);
        Change(state => state with
        {
            Phase = ContainerPhase.Waiting,
            WaitingReason = "CrashLoopBackOff",
            WaitingMessage = $"back-off restarting the failed container (exit code {exitCode})",
            IsReady = false,
            ReadySince = null,
            RestartCount = state.RestartCount + 1,
            LastTermination = new Termination(exitCode, container.StandardErrorTail, exitCode == 0 ? "Completed" : "Error", state.StartedAt ?? finished, finished),
        });
    }

    private async Task<bool> AnswersHealthAsync(int port, CancellationToken token)
    {
        try
        {
            using var response = await _probe.GetAsync(new Uri($"http://127.0.0.1:{port}/health"), token).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !token.IsCancellationRequested)
        {
            return false; // not listening yet, or too slow to answer
        }
    }

    private TimeSpan Backoff(int restarts)
    {
        var doubled = _options.RestartBackoff * Math.Pow(2, Math.Min(restarts, 16));
        return doubled < _options.MaxRestartBackoff ? doubled : _options.MaxRestartBackoff;
    }

    private void Change(Func<PodState, PodState> change)
    {
        lock (_gate)
        {
            _state = change(_state);
        }
    }
}
