using Parley.Worker.Cli;

namespace Parley.Worker.Tests.Cli;

/// <summary>Runs the worker's command line as <c>Main</c> does, capturing the options the server would get.</summary>
internal sealed record CommandLineRun(int ExitCode, WorkerOptions? Options, string Errors)
{
    public static async Task<CommandLineRun> InvokeAsync(params string[] args)
    {
        WorkerOptions? parsed = null;
        using var errors = new StringWriter();
        var exit = await WorkerCommand.InvokeAsync(args, options => { parsed = options; return Task.FromResult(0); }, errors);
        return new CommandLineRun(exit, parsed, errors.ToString());
    }
}
