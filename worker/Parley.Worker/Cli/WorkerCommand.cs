namespace Parley.Worker.Cli;

/// <summary>The worker's command line.</summary>
internal static class WorkerCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine($"parley-worker: not wired yet ({args.Length} arguments).");
        return Task.FromResult(2);
    }
}
