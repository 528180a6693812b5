using System.Text;

namespace Parley.Worker.Tests.Cli;

/// <summary>Splits a command line as a POSIX shell would (spaces, single and double quotes) and cuts the program.</summary>
internal static class ShellWords
{
    /// <summary>The words after the program: after <c>vllm serve</c>, the vllm/vllm-openai image, or vLLM's python module.</summary>
    public static string[] ProgramArguments(string commandLine)
    {
        var words = Split(commandLine);
        var image = words.FindIndex(word => word.StartsWith("vllm/vllm-openai", StringComparison.Ordinal));
        if (image >= 0)
            return [.. words.Skip(image + 1)];
        var module = words.IndexOf("vllm.entrypoints.openai.api_server");
        if (module >= 0)
            return [.. words.Skip(module + 1)];
        return words[0] == "vllm" ? [.. words.Skip(1)] : [.. words]; // `serve` stays: the worker accepts it
    }

    public static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in line)
        {
            if (quote is { } open)
            {
                if (c == open)
                    quote = null;
                else
                    word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}
