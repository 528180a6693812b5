// People paste `vllm serve MODEL --flags` lines, Helm values and KubeAI args; vLLM's own parser accepts forms that a
// strict parser would not. This turns them into the worker's plain `--flag value` form:
//   - a leading `serve` (from `vllm serve`) is dropped;
//   - a first argument that is not a flag is the model, as vLLM's positional `model_tag` (it wins over --model);
//   - `--max_model_len` is `--max-model-len` (vLLM replaces underscores in flag names);
//   - `--config file.yaml` adds the file's keys as flags, except those the command line gives itself.
namespace Parley.Worker.Cli;

/// <summary>Rewrites a vLLM command line into the worker's form.</summary>
internal static class VllmArguments
{
    private const string ConfigFlag = "--config";

    /// <summary>The rewritten arguments, or a refusal saying what is wrong with them.</summary>
    public static (string[] Arguments, string? Refusal) Normalize(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var list = args.Select(FlagNameWithDashes).ToList();
        if (list.Count > 0 && list[0] == "serve")
        {
            list.RemoveAt(0);
        }

        if (list.Count > 0 && !list[0].StartsWith('-'))
        {
            var model = list[0];
            list.RemoveAt(0);
            RemoveFlag(list, "--model");
            list.InsertRange(0, ["--model", model]);
        }

        if (TakeValue(list, ConfigFlag) is not { } configPath)
        {
            return ([.. list], null);
        }

        try
        {
            var given = list.Where(arg => arg.StartsWith("--", StringComparison.Ordinal)).Select(arg => arg.Split('=', 2)[0]).ToHashSet();
            var fromFile = ConfigFile.Arguments(configPath).Where(flag => !given.Contains(flag.Name)).SelectMany(flag => flag.Arguments);
            return ([.. fromFile, .. list], null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return ([], $"--config {configPath}: {exception.Message}");
        }
    }

    // `--max_model_len=4096` -> `--max-model-len=4096`; values, and single-dash short names, are left alone.
    private static string FlagNameWithDashes(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal))
        {
            return arg;
        }

        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? arg.Replace('_', '-') : arg[..equals].Replace('_', '-') + arg[equals..];
    }

    private static void RemoveFlag(List<string> list, string flag)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i] == flag)
            {
                list.RemoveRange(i, Math.Min(2, list.Count - i));
            }
            else if (list[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                list.RemoveAt(i);
            }
        }
    }

    private static string? TakeValue(List<string> list, string flag)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == flag && i + 1 < list.Count)
            {
                var value = list[i + 1];
                list.RemoveRange(i, 2);
                return value;
            }

            if (list[i].StartsWith(flag + "=", StringComparison.Ordinal))
            {
                var value = list[i][(flag.Length + 1)..];
                list.RemoveAt(i);
                return value;
            }
        }

        return null;
    }
}
