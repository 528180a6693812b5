// Waiting for a cluster to reach a state: processes start in about a second, so each wait has a generous deadline and
// fails with a description of what was seen, never with a measured time.
namespace Parley.Cluster.Tests;

internal static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Polls <paramref name="condition"/> until it holds; throws with <paramref name="describe"/>'s account when the deadline passes.</summary>
    public static Task HoldsAsync(Func<bool> condition, Func<string> describe) => HoldsAsync(() => Task.FromResult(condition()), describe);

    /// <summary>Polls <paramref name="condition"/> (which may ask a server) until it holds; throws with <paramref name="describe"/>'s account when the deadline passes.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within {Deadline.TotalSeconds} s: {describe()}");
            }

            await Task.Delay(50);
        }
    }
}
