using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Parley.Operator.Tests.Integration;
using Parley.Testing;
using Xunit.Abstractions;

namespace Parley.Operator.Tests.Cli;

public class RunShutdownTests(ITestOutputHelper output)
{
    private const string Identity = "operator-under-test";

    [Fact]
    public async Task Sigterm_DrainsReleasesTheLeaseAndExitsZero_EveryTime()
    {
        await using var harness = await OperatorHarness.StartAsync("rtx3060.yaml", startOperator: false);
        await harness.ApplyAsync(OperatorTests.Chat());
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"parley-shutdown-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, Kubeconfig(harness.Api.Url));
        try
        {
            // The crash it guards against came in one run of two: run it several times.
            for (var run = 1; run <= 3; run++)
            {
                var (exitCode, elapsed, logs) = await RunAndTerminateAsync(harness, kubeconfig);
                output.WriteLine($"run {run}: exit code {exitCode} {elapsed.TotalSeconds:0.00} s after SIGTERM");

                exitCode.Should().Be(0, logs);
                logs.Should().NotContain("ObjectDisposedException");
                Holder(harness).Should().BeNullOrEmpty("the Lease is handed over on the way out, not left to expire");
                elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    private static async Task<(int ExitCode, TimeSpan Elapsed, string Logs)> RunAndTerminateAsync(OperatorHarness harness, string kubeconfig)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "parley-operator.dll"), "run", "--kubeconfig", kubeconfig,
                "--port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture), "--lease-namespace", "parley-system" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["POD_NAME"] = Identity },
        };
        var logs = new StringBuilder();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start the operator.");
        process.OutputDataReceived += (_, line) => { lock (logs) { logs.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (logs) { logs.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            try
            {
                await OperatorHarness.EventuallyAsync(() => Holder(harness), holder => holder == Identity, "the operator to take the Lease", TimeSpan.FromSeconds(30));
                await OperatorHarness.EventuallyAsync(() => harness.Chat("team-a", "r1"), chat => chat.Status?.Tuning is not null, "a reconcile");
            }
            catch (TimeoutException e)
            {
                lock (logs)
                {
                    throw new TimeoutException($"{e.Message}\nThe operator's output:\n{logs}", e);
                }
            }

            var signalled = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(limit.Token);
            var elapsed = signalled.Elapsed;
            lock (logs)
            {
                return (process.ExitCode, elapsed, logs.ToString());
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static string? Holder(OperatorHarness harness) =>
        harness.Api.Store.Get("leases", "parley-system", "parley-operator")?["spec"]?["holderIdentity"]?.GetValue<string>();

    private static string Kubeconfig(string server) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Config",
        ["clusters"] = new JsonArray(new JsonObject { ["name"] = "fake", ["cluster"] = new JsonObject { ["server"] = server } }),
        ["users"] = new JsonArray(new JsonObject { ["name"] = "test", ["user"] = new JsonObject { ["token"] = "test" } }),
        ["contexts"] = new JsonArray(new JsonObject { ["name"] = "fake", ["context"] = new JsonObject { ["cluster"] = "fake", ["user"] = "test" } }),
        ["current-context"] = "fake",
    }.ToJsonString();
}
