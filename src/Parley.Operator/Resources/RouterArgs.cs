// The router's command line, from RouterFlags (the contract the router parses) and spec.router. Durations go as whole
// seconds, the unit the router's flags take.
using System.Globalization;
using Parley.Api;
using Parley.Api.Contracts;

namespace Parley.Operator.Resources;

/// <summary>Builds the router container's arguments.</summary>
public static class RouterArgs
{
    public const int Port = RouterFlags.DefaultPort;

    public static List<string> Build(BuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var router = context.Router;
        var args = new List<string>
        {
            RouterFlags.Port, Port.ToString(CultureInfo.InvariantCulture),
            RouterFlags.Namespace, context.Namespace,
            RouterFlags.ChatDeployment, context.Chat.Metadata.Name!,
            RouterFlags.WorkerService, ResourceNames.Worker(context.Chat),
            RouterFlags.HoldQueueSize, (router.HoldQueueSize ?? Defaults.HoldQueueSize).ToString(CultureInfo.InvariantCulture),
            RouterFlags.HoldTimeout, Seconds(Durations.Of(router.HoldTimeout, Durations.Of(Defaults.HoldTimeout, TimeSpan.Zero))),
        };
        if (Durations.TryParse(router.StreamIdleTimeout, out var idle))
        {
            args.AddRange([RouterFlags.StreamIdleTimeout, Seconds(idle)]);
        }

        return args;
    }

    // Rounded up, so a sub-second timeout does not become 0 (which the router reads as "never").
    private static string Seconds(TimeSpan duration) => ((long)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
