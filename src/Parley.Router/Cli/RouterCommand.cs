// `parley-router`: the flags of Parley.Api's RouterFlags (the operator renders them), the API key from the same
// environment variable the worker reads, and the server until SIGTERM. A command line it cannot serve ends with exit 2
// and a sentence naming the flag.
using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Router.Hosting;
using Parley.Router.Routing;

namespace Parley.Router.Cli;

/// <summary>The router's command line.</summary>
public static class RouterCommand
{
    /// <summary>Exit status for a command line the router refuses, as the worker's.</summary>
    public const int UsageError = 2;

    public static Task<int> RunAsync(string[] args) => InvokeAsync(args, ServeAsync, Console.Error);

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="run"/> with the validated options.</summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, Func<RouterOptions, Task<int>> run, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var port = new Option<int>(RouterFlags.Port) { Description = "Port for the API, /health and /metrics.", DefaultValueFactory = _ => RouterFlags.DefaultPort };
        var ns = new Option<string?>(RouterFlags.Namespace) { Description = "Namespace of the ChatDeployment and its worker EndpointSlices." };
        var chat = new Option<string?>(RouterFlags.ChatDeployment) { Description = "The ChatDeployment to wake when a request waits at zero replicas." };
        var service = new Option<string?>(RouterFlags.WorkerService) { Description = "The worker Service whose EndpointSlices are the backends." };
        var backends = new Option<string[]>(RouterFlags.Backend) { Description = "A fixed worker URL (repeatable) instead of EndpointSlice discovery.", DefaultValueFactory = _ => [] };
        var kubeApi = new Option<string?>(RouterFlags.KubeApi) { Description = "Kubernetes API URL used without credentials; default: the pod's service account." };
        var holdSize = new Option<int>(RouterFlags.HoldQueueSize) { Description = "Requests that may wait for a ready replica.", DefaultValueFactory = _ => 256 };
        var holdTimeout = new Option<double>(RouterFlags.HoldTimeout) { Description = "Seconds a request may wait for a ready replica.", DefaultValueFactory = _ => 600 };
        var idle = new Option<double>(RouterFlags.StreamIdleTimeout) { Description = "Seconds a response may stay silent before it is ended; 0: never.", DefaultValueFactory = _ => 0 };
        var factor = new Option<double>(RouterFlags.AffinityLoadFactor) { Description = "Bound on a replica's in-flight requests, as a factor of the mean.", DefaultValueFactory = _ => 1.25 };
        var policy = new Option<string>(RouterFlags.Policy) { Description = "affinity or round-robin.", DefaultValueFactory = _ => "affinity" };
        policy.AcceptOnlyFromAmong("affinity", "round-robin");
        var root = new RootCommand("Parley router: the OpenAI API of one ChatDeployment, routed to its workers by prefix affinity.")
        {
            port, ns, chat, service, backends, kubeApi, holdSize, holdTimeout, idle, factor, policy,
        };
        root.SetAction(async result =>
        {
            if (!TryUrls(result.GetValue(backends) ?? [], out var urls) || (result.GetValue(kubeApi) is { } k && !Uri.TryCreate(k, UriKind.Absolute, out _)))
            {
                await errors.WriteLineAsync($"{RouterFlags.Backend} and {RouterFlags.KubeApi} take absolute URLs.").ConfigureAwait(false);
                return UsageError;
            }

            var options = new RouterOptions
            {
                Port = result.GetValue(port),
                Namespace = result.GetValue(ns),
                ChatDeployment = result.GetValue(chat),
                WorkerService = result.GetValue(service),
                Backends = urls,
                KubeApi = result.GetValue(kubeApi) is { } api ? new Uri(api) : null,
                HoldQueueSize = result.GetValue(holdSize),
                HoldTimeout = TimeSpan.FromSeconds(result.GetValue(holdTimeout)),
                StreamIdleTimeout = TimeSpan.FromSeconds(result.GetValue(idle)),
                AffinityLoadFactor = result.GetValue(factor),
                Policy = result.GetValue(policy) == "round-robin" ? RoutingPolicy.RoundRobin : RoutingPolicy.Affinity,
                ApiKey = Environment.GetEnvironmentVariable(OperatorEnvironment.ApiKey),
            };
            if (options.Validate() is { } refusal)
            {
                await errors.WriteLineAsync(refusal).ConfigureAwait(false);
                return UsageError;
            }

            return await run(options).ConfigureAwait(false);
        });
        var parsed = root.Parse([.. args]);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await errors.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            return UsageError;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    private static bool TryUrls(string[] values, out IReadOnlyList<Uri> urls)
    {
        var parsed = new List<Uri>();
        urls = parsed;
        foreach (var value in values)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var url))
            {
                return false;
            }

            parsed.Add(url);
        }

        return true;
    }

    private static async Task<int> ServeAsync(RouterOptions options)
    {
        await using var app = RouterApp.Build(options);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }
}
