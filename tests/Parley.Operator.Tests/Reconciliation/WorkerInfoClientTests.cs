using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Parley.Api.Contracts;
using Parley.Operator.Reconciliation;
using Parley.Testing;

namespace Parley.Operator.Tests.Reconciliation;

public class WorkerInfoClientTests
{
    private static readonly WorkerInfo Good = new() { Model = "m", MaxModelLen = 4096, KvCacheTokens = 65_536, GpuMemoryUsedBytes = 1 << 30, GpuMemoryTotalBytes = 12L << 30 };

    [Fact]
    public async Task Read_PlausibleReport_IsReturned()
    {
        using var worker = new ScriptedWorker(async response => await Write(response, JsonSerializer.SerializeToUtf8Bytes(Good)));

        var info = await Client(worker).ReadAsync([Pod()], "key", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        info.Should().Be(Good);
    }

    [Fact]
    public async Task Read_HugeAnswer_IsABadReportAndIsNotReadToTheEnd()
    {
        // 64 MiB of a valid JSON string: read in full it would be believed, and held in memory several times over.
        const int Size = 64 << 20;
        using var worker = new ScriptedWorker(async response =>
        {
            response.SendChunked = true;
            await response.OutputStream.WriteAsync("{\"max_model_len\":4096,\"kv_cache_tokens\":1,\"model\":\""u8.ToArray());
            var chunk = Encoding.ASCII.GetBytes(new string('a', 1 << 16));
            for (var sent = 0; sent < Size; sent += chunk.Length)
            {
                await response.OutputStream.WriteAsync(chunk);
            }

            await response.OutputStream.WriteAsync("\"}"u8.ToArray());
        });

        var info = await Client(worker, TimeSpan.FromSeconds(30)).ReadAsync([Pod()], "key", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        info.Should().BeNull();
        await OperatorHarness.EventuallyAsync(() => (object?)(worker.Failed > 0 ? "failed" : null), _ => true,
            "the worker's write to fail once the operator stopped reading");
        worker.Completed.Should().Be(0, "the operator stops reading past the limit");
    }

    [Fact]
    public async Task Read_DeclaredLengthOverTheLimit_IsABadReport()
    {
        using var worker = new ScriptedWorker(async response =>
        {
            response.ContentLength64 = WorkerInfoClient.MaxReportBytes + 1;
            await response.OutputStream.WriteAsync(new byte[WorkerInfoClient.MaxReportBytes + 1]);
        });

        (await Client(worker).ReadAsync([Pod()], "key", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeNull();
    }

    [Fact]
    public async Task Read_AnswerThatDripsForever_GivesUpAtTheTimeout()
    {
        using var worker = new ScriptedWorker(async response =>
        {
            response.SendChunked = true;
            await response.OutputStream.WriteAsync("{\"model\":\""u8.ToArray());
            for (var i = 0; i < 600; i++)
            {
                await response.OutputStream.WriteAsync("a"u8.ToArray());
                await response.OutputStream.FlushAsync();
                await Task.Delay(100);
            }
        });
        var started = Stopwatch.StartNew();

        var info = await Client(worker, TimeSpan.FromSeconds(1)).ReadAsync([Pod()], "key", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        info.Should().BeNull();
        started.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("""{"model":"m","max_model_len":4096,"kv_cache_tokens":-5}""")]
    [InlineData("""{"model":"m","max_model_len":-1,"kv_cache_tokens":5}""")]
    [InlineData("""{"model":"m","max_model_len":4096,"kv_cache_tokens":5,"gpu_memory_used_bytes":-1}""")]
    [InlineData("""{"model":"m","max_model_len":4096,"kv_cache_tokens":5,"gpu_memory_used_bytes":20,"gpu_memory_total_bytes":10}""")]
    [InlineData("""{"model":"m","max_model_len":4096,"kv_cache_tokens":5,"gpu_memory_utilization":7}""")]
    public async Task Read_ReportWithImpossibleNumbers_IsNotBelieved(string report)
    {
        using var worker = new ScriptedWorker(async response => await Write(response, Encoding.UTF8.GetBytes(report)));

        (await Client(worker).ReadAsync([Pod()], "key", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).Should().BeNull();
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static WorkerInfoClient Client(ScriptedWorker worker, TimeSpan? timeout = null) => new(Http, WorkerInfoClient.PodIpAddress(worker.Port), timeout ?? TimeSpan.FromSeconds(5));

    private static V1Pod Pod() => new()
    {
        Status = new V1PodStatus { PodIP = "127.0.0.1", Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }] },
    };

    private static async Task Write(HttpListenerResponse response, byte[] body)
    {
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
    }

    /// <summary>A worker pod stand-in on loopback that answers every request with <c>answer</c>.</summary>
    private sealed class ScriptedWorker : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;
        private int _completed;
        private int _failed;

        public ScriptedWorker(Func<HttpListenerResponse, Task> answer)
        {
            Port = LoopbackPort.Free();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _serving = Task.Run(() => ServeAsync(answer));
        }

        public int Port { get; }

        public int Completed => Volatile.Read(ref _completed);

        public int Failed => Volatile.Read(ref _failed);

        private async Task ServeAsync(Func<HttpListenerResponse, Task> answer)
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    try
                    {
                        await answer(context.Response);
                        context.Response.Close();
                        Interlocked.Increment(ref _completed);
                    }
                    catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
                    {
                        Interlocked.Increment(ref _failed);
                    }
                });
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
