// The small endpoints: GET /v1/models (one entry per served name), /health (503 while loading, so a readiness probe waits for the model),
// /version, and /v1/parley/info (the operator's closed-loop tuning reads what the worker actually got).
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Parley.Api.Contracts;
using Parley.Engine.Scheduling;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Model list, health, version and the worker's self-report.</summary>
public static class InfoEndpoints
{
    public const string Version = "0.1.0";

    public static IResult Models(ModelHost host)
    {
        var model = RequestContext.Model(host);
        // One entry per --served-model-name, all the same model, as vLLM lists them.
        return Results.Text(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(model.Names.Select(name => (JsonNode)new JsonObject
            {
                ["id"] = name,
                ["object"] = "model",
                ["created"] = model.CreatedUnixSeconds,
                ["owned_by"] = "parley",
                ["root"] = model.Source,
                ["parent"] = null,
                ["max_model_len"] = model.MaxModelLen,
            }).ToArray()),
        }.ToJsonString(), "application/json");
    }

    public static IResult Health(ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Model is not null && !host.IsDraining
            ? Results.Ok()
            : Results.Text(host.LoadError ?? (host.IsDraining ? "draining" : "loading"), statusCode: 503);
    }

    public static IResult VersionInfo() => Results.Json(new JsonObject { ["version"] = Version });

    public static WorkerInfo Info(ModelHost host, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var model = RequestContext.Model(host);
        var blocks = model.KvBlockCount - 1; // the scheduler's null block holds no tokens
        return new WorkerInfo
        {
            Model = model.Source,
            ServedModelName = model.Name,
            Device = model.Device,
            MaxModelLen = model.MaxModelLen,
            KvCacheTokens = (long)blocks * BlockPool.BlockSize,
            NumGpuBlocks = model.Device == "cuda" ? blocks : null,
            BlockSize = BlockPool.BlockSize,
            GpuMemoryUtilization = options.GpuMemoryUtilization,
            GpuMemoryUsedBytes = model.Device == "cuda" ? model.DeviceMemoryBytes : null,
        };
    }
}
