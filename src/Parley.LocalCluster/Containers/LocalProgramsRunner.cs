// Runs Parley's own containers as local processes, chosen by the pod's component label:
//   worker -> parley-worker with the container's arguments, on 127.0.0.1 and a free port, on the CPU
//   router -> parley-router with the container's arguments, on a free port, reaching the in-memory API by --kube-api
//   ui     -> not run: Open WebUI exists only as a container image; the worker's built-in chat page stands in
using Parley.Api.Contracts;

namespace Parley.LocalCluster.Containers;

/// <summary>The <see cref="IContainerRunner"/> of <c>parley-operator dev</c> and the cluster tests.</summary>
public sealed class LocalProgramsRunner(LocalProgramsOptions options) : IContainerRunner
{
    public const string WorkerComponent = "worker";
    public const string RouterComponent = "router";
    public const string UiComponent = "ui";

    public ContainerStart Start(ContainerLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var arguments = Kubelet.ConfigVolumes.Rewrite(launch.Container.Args ?? [], launch.Mounts);
        var port = FreeLoopbackPort.Next();
        return launch.Component switch
        {
            WorkerComponent => Run(launch, options.Worker, LocalExecutable.Worker, WorkerArguments(arguments, port), port),
            RouterComponent => Run(launch, options.Router, LocalExecutable.Router, RouterArguments(arguments, port), port),
            UiComponent => ContainerStart.NotRun("Open WebUI runs only from its container image, which a local cluster does not run; the worker's own chat page is at its / instead."),
            var other => ContainerStart.NotRun($"No local program runs component '{other}'."),
        };
    }

    /// <summary>The worker's arguments on this machine: loopback, its own port, the CPU (a GPU's limits mean nothing to a
    /// local process), and no <c>--download-dir</c> (that path is the pod's cache volume; the worker's default cache is used).</summary>
    public static List<string> WorkerArguments(IEnumerable<string> arguments, int port)
    {
        var edited = CommandLineEdits.Remove(arguments, WorkerFlags.DownloadDir);
        edited = CommandLineEdits.Set(edited, WorkerFlags.Host, "127.0.0.1");
        edited = CommandLineEdits.Set(edited, WorkerFlags.Port, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return CommandLineEdits.Set(edited, "--device", "cpu");
    }

    /// <summary>The router's arguments on this machine: its own port, and the in-memory API instead of a service account.</summary>
    public List<string> RouterArguments(IEnumerable<string> arguments, int port)
    {
        var edited = CommandLineEdits.Set(arguments, RouterFlags.Port, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return CommandLineEdits.Set(edited, RouterFlags.KubeApi, options.KubeApiUrl);
    }

    private ContainerStart Run(ContainerLaunch launch, LocalExecutable? program, string name, List<string> arguments, int port)
    {
        if (program is null)
        {
            throw new ContainerStartException($"{name} was not found (looked at {LocalExecutable.SearchedPlaces(name)}); build it with `dotnet build` of its project.");
        }

        var start = program.StartInfo(arguments);
        foreach (var (key, value) in launch.Environment)
        {
            start.Environment[key] = value;
        }

        var log = options.Log is { } sink ? line => sink(launch.PodName, line) : (Action<string>?)null;
        return ContainerStart.Started(LocalProcessContainer.Start(start, port, log));
    }
}
