// vLLM's --seed seeds the process's random state, so unseeded requests draw from one generator: the same sequence of
// requests after a start gets the same tokens, while two identical requests still get different answers (a chat
// page's "regenerate" must not repeat itself). Requests that send a seed keep their own.
namespace Parley.Worker.Serving;

/// <summary>Gives each request the seed it sampled with.</summary>
public sealed class RequestSeeds
{
    private readonly Random? _generator;
    private readonly Lock _lock = new();

    /// <param name="workerSeed">--seed; null leaves unseeded requests to a random seed each.</param>
    public RequestSeeds(long? workerSeed)
    {
        _generator = workerSeed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : null;
    }

    /// <summary>The request's own seed, else the next one from --seed's generator, else null (random).</summary>
    public long? For(long? requestSeed)
    {
        if (requestSeed is not null || _generator is null)
        {
            return requestSeed;
        }

        lock (_lock)
        {
            return _generator.NextInt64();
        }
    }
}
