// `parley-operator dev` as a real process: its printed lines, its child processes (read from /proc), and SIGTERM.
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace Parley.Cluster.Tests.Cli;

internal sealed class DevProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _seen = [];

    private DevProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, line) => Add(line.Data);
        process.ErrorDataReceived += (_, line) => Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>Everything printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_seen)
            {
                return string.Join('\n', _seen);
            }
        }
    }

    public static DevProcess Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "parley-operator.dll"), "dev", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return new DevProcess(Process.Start(start) ?? throw new InvalidOperationException("parley-operator did not start."));
    }

    /// <summary>The value after <paramref name="prefix"/> on the first line that starts with it (after spaces).</summary>
    public async Task<string> WaitForLineAsync(string prefix)
    {
        using var deadline = new CancellationTokenSource(Eventually.Deadline);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (line.TrimStart().StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line.TrimStart()[prefix.Length..].Trim();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // reported below
        }

        throw new TimeoutException($"No line starting '{prefix}' within {Eventually.Deadline.TotalSeconds} s; printed:\n{Output}");
    }

    /// <summary>The ids of this process's children now.</summary>
    public List<int> ChildProcessIds() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => name!.All(char.IsAsciiDigit))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == _process.Id)
            .ToList();

    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(Eventually.Deadline);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public static bool IsAlive(int processId) => File.Exists($"/proc/{processId}/stat") && !File.ReadAllText($"/proc/{processId}/stat").Contains(") Z ", StringComparison.Ordinal);

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_seen)
        {
            _seen.Add(line);
        }

        _lines.Writer.TryWrite(line);
    }
}
