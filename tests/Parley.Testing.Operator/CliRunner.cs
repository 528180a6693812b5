using Parley.Operator.Cli;

namespace Parley.Testing.Operator;

public sealed record CliResult(int ExitCode, string Output, string Error);

public static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = ParleyCli.Run(args, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
