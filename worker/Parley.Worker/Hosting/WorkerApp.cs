// The worker's web application: Kestrel on --host:--port, OpenAI-shaped errors, the API key check on the endpoints
// that declare it (RequireApiKey), cross-site browser POSTs refused when there is no key, the OpenAI/vLLM routes (the
// run-time LoRA routes only with --enable-lora and VLLM_ALLOW_RUNTIME_LORA_UPDATING=true, as vLLM gates them),
// /metrics, /health, and the chat page at /. SIGTERM stops admission and lets running streams
// finish within --shutdown-grace-seconds (ModelHost.StopAsync).
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Parley.Worker.Http;
using Parley.Worker.ChatPage;
using Parley.Worker.Metrics;
using Parley.Worker.Serving;

namespace Parley.Worker.Hosting;

/// <summary>Builds the worker's web application.</summary>
public static class WorkerApp
{
    /// <param name="options">The worker's settings.</param>
    /// <param name="resolveFolder">Finds the checkpoint folder; tests pass their own.</param>
    public static WebApplication Build(WorkerOptions options, ModelLoader.FolderResolver? resolveFolder = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{(options.Host == "0.0.0.0" ? "*" : options.Host)}:{options.Port}");
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        // A line per request would drown the worker's own, so ASP.NET Core (uvicorn's counterpart) logs warnings unless
        // --uvicorn-log-level asks for more or less.
        builder.Logging.AddFilter("Microsoft.AspNetCore", WebServerLogLevel(options.UvicornLogLevel));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownGraceSeconds + 5));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services => resolveFolder ?? ModelFolders.Default(services.GetRequiredService<ILoggerFactory>().CreateLogger("Parley.Worker.Download")));
        builder.Services.AddSingleton(new WorkerMetrics(Prometheus.Metrics.NewCustomRegistry()));
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ModelHost>());

        var app = builder.Build();
        foreach (var reason in options.FlagsWithoutEffect)
        {
            app.Logger.FlagWithoutEffect(reason);
        }

        var host = app.Services.GetRequiredService<ModelHost>();
        var metrics = app.Services.GetRequiredService<WorkerMetrics>();
        metrics.ReadFrom(() => host.Model is { } model ? (model.Name, model.Engine.Stats, model.DeviceMemoryBytes) : null);
        host.Loaded += model =>
        {
            metrics.Watch(model.Name, model.Engine, model.MaxModelLen,
                new CacheConfigInfo(Engine.Scheduling.BlockPool.BlockSize, model.KvBlockCount, options.GpuMemoryUtilization, options.EnablePrefixCaching, options.KvCacheMemoryBytes));
            if (options.EnableLora)
            {
                metrics.WatchLora(options.MaxLoras);
            }
        };
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseMiddleware<ErrorHandling>();
        app.UseMiddleware<CrossSiteCheck>();
        app.UseRouting();
        app.UseMiddleware<ApiKeyCheck>();
        app.MapPost("/v1/chat/completions", ChatCompletionsEndpoint.HandleAsync).RequireApiKey();
        app.MapPost("/v1/completions", CompletionsEndpoint.HandleAsync).RequireApiKey();
        app.MapPost("/invocations", InvocationsEndpoint.HandleAsync).RequireApiKey();
        app.MapGet("/v1/models", InfoEndpoints.Models).RequireApiKey();
        if (options.EnableLora && options.AllowRuntimeLoraUpdating)
        {
            app.MapPost(LoraEndpoints.LoadPath, LoraEndpoints.LoadAsync).RequireApiKey();
            app.MapPost(LoraEndpoints.UnloadPath, LoraEndpoints.UnloadAsync).RequireApiKey();
        }

        app.MapGet(Parley.Api.Contracts.WorkerInfo.Path, (ModelHost h, WorkerOptions o) => Results.Json(InfoEndpoints.Info(h, o))).RequireApiKey();
        app.MapPost("/tokenize", TokenizeEndpoints.TokenizeAsync).RequireApiKey();
        app.MapPost("/detokenize", TokenizeEndpoints.DetokenizeAsync).RequireApiKey();
        app.MapGet("/health", InfoEndpoints.Health);
        app.MapGet("/version", InfoEndpoints.VersionInfo);
        app.MapGet("/metrics", MetricsEndpoint.ServeAsync);
        app.MapGet("/", ChatPageEndpoint.Serve);
        return app;
    }

    /// <summary>uvicorn's level names as ASP.NET Core levels; null (the flag left out) is warning.</summary>
    internal static LogLevel WebServerLogLevel(string? uvicornLevel) => uvicornLevel?.ToLowerInvariant() switch
    {
        null or "warning" => LogLevel.Warning,
        "critical" => LogLevel.Critical,
        "error" => LogLevel.Error,
        "info" => LogLevel.Information,
        "debug" => LogLevel.Debug,
        "trace" => LogLevel.Trace,
        _ => throw new ArgumentOutOfRangeException(nameof(uvicornLevel), uvicornLevel, "Not a uvicorn log level."),
    };
}
