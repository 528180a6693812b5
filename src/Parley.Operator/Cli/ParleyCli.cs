// The parley-operator command line: run drives a cluster; dev runs one on this machine; plan, render and crd work without one.
using System.CommandLine;

namespace Parley.Operator.Cli;

/// <summary>Builds and runs the command tree.</summary>
public static class ParleyCli
{
    /// <summary>Exit code for bad input: unknown model or GPU, unreadable files, an invalid ChatDeployment.</summary>
    public const int InvalidInput = 1;

    /// <summary>Exit code for a plan the planner refused (nothing fits).</summary>
    public const int Refused = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Parley: chat LLMs on Kubernetes GPUs, tuned to the GPU they land on.")
        {
            PlanCommand.Create(),
            RenderCommand.Create(),
            CrdCommand.Create(),
            RunCommand.Create(),
            DevCommand.Create(),
        };
        // ProcessTerminationTimeout null: System.CommandLine installs no signal handlers of its own. Its default cancels and
        // then exits 2 seconds later whatever is still running; `run` handles SIGTERM itself (ShutdownSignals).
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null });
    }
}
