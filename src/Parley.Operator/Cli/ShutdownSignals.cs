// SIGTERM (the kubelet stopping the pod) and SIGINT (Ctrl+C) start an orderly stop: the token fires, the controller
// drains and hands over its Lease, and the process exits 0. The signals are handled here alone: System.CommandLine's own
// handling is switched off (see ParleyCli), because it exits on a 2-second timer of its own and raced with this one.
using System.Runtime.InteropServices;

namespace Parley.Operator.Cli;

/// <summary>A token that fires on the first SIGTERM or SIGINT; a second signal is left to the runtime's default.</summary>
public sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signalled;

    public ShutdownSignals(CancellationToken cancellationToken)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal)];
    }

    public CancellationToken Token => _stopping.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 1)
        {
            return; // A second signal terminates as the runtime would.
        }

        context.Cancel = true;
        // Cancelled on the thread pool: the signal thread must not run the stop itself, nor race with Dispose.
        ThreadPool.UnsafeQueueUserWorkItem(static stopping =>
        {
            try
            {
                stopping.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run already ended.
            }
        }, _stopping, preferLocal: false);
    }

    public void Dispose()
    {
        // Registrations first, so no handler can start once the token source is gone.
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stopping.Dispose();
    }
}
