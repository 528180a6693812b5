// `parley-worker`: parses vLLM-style flags into WorkerOptions and runs the server until SIGTERM. A pasted
// `vllm serve MODEL --flags` line works as it is (VllmArguments); a flag it does not know, or a value it cannot honour,
// ends the start with exit 2 and a sentence naming the flag.
using System.CommandLine;
using Parley.Worker.Hosting;

namespace Parley.Worker.Cli;

/// <summary>The worker's command line.</summary>
internal static class WorkerCommand
{
    /// <summary>Exit status for a command line the worker refuses, as argparse (and so vLLM) uses.</summary>
    public const int UsageError = 2;

    public static Task<int> RunAsync(string[] args) =>
        // SIGTERM belongs to the host, which drains (503 for new requests, running streams finish within
        // --shutdown-grace-seconds) and then exits 0. The command line's own handler would cancel the run and exit 143
        // after two seconds, cutting every stream.
        InvokeAsync(args, ServeAsync, Console.Error, new InvocationConfiguration { ProcessTerminationTimeout = null });

    /// <summary>Reads <paramref name="args"/> as vLLM would (positional model, <c>serve</c>, <c>--config</c>,
    /// underscores) and runs <paramref name="run"/> with the validated options; exit 2 for what cannot be served.</summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, Func<WorkerOptions, Task<int>> run, TextWriter errors, InvocationConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var (arguments, refusal) = VllmArguments.Normalize(args);
        if (refusal is not null)
        {
            await errors.WriteLineAsync(refusal).ConfigureAwait(false);
            return UsageError;
        }

        var parsed = Create(run, errors).Parse(arguments);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await errors.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            await errors.WriteLineAsync("Run parley-worker --help for the flags it accepts.").ConfigureAwait(false);
            return UsageError;
        }

        return await parsed.InvokeAsync(configuration ?? new InvocationConfiguration { Error = errors }).ConfigureAwait(false);
    }

    /// <summary>The command; <paramref name="run"/> receives the validated options.</summary>
    public static RootCommand Create(Func<WorkerOptions, Task<int>> run, TextWriter? errors = null)
    {
        errors ??= Console.Error;
        var flags = new WorkerFlagSet();
        var root = new RootCommand("Parley inference worker: an OpenAI-compatible API with vLLM's flags and metrics.");
        foreach (var option in flags.All)
        {
            root.Options.Add(option);
        }

        root.SetAction(async result =>
        {
            var options = flags.Read(result);
            if (options.Validate() is { } error)
            {
                await errors.WriteLineAsync(error).ConfigureAwait(false);
                return UsageError;
            }

            return await run(options).ConfigureAwait(false);
        });
        return root;
    }

    private static async Task<int> ServeAsync(WorkerOptions options)
    {
        await using var app = WorkerApp.Build(options);
        var host = app.Services.GetRequiredService<Serving.ModelHost>(); // RunAsync disposes the services when it returns
        await app.RunAsync().ConfigureAwait(false);
        return host.ExitCode;
    }
}
