// SIGTERM to a child process: .NET's Process can only kill (SIGKILL), and a kubelet asks politely first.
using System.Runtime.InteropServices;

namespace Parley.LocalCluster.Containers;

internal static partial class PosixSignals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM; false when the process is already gone.</summary>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
