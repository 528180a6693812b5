// The small endpoints: GET /v1/models (one entry per served name, then one per LoRA adapter with its base model as
// parent, as vLLM lists them), /health (503 while loading, so a readiness probe waits for the model),
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
        var cards = model.Names.Select(name => Card(model, name, model.Source, parent: null))
            .Concat((model.Adapters?.All ?? []).Select(adapter => Card(model, adapter.Name, adapter.Path, adapter.Parent)));
        return Results.Text(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. cards]),
        }.ToJsonString(), "application/json");
    }

    private static JsonObject Card(ServedModel model, string id, string root, string? parent) => new JsonObject
    {
        ["id"] = id,
        ["object"] = "model",
        ["created"] = model.CreatedUnixSeconds,
        ["owned_by"] = "parley",
        ["root"] = root,
        ["parent"] = parent,
        ["max_model_len"] = model.MaxModelLen,
        ["permission"] = new JsonArray(Permission(model)),
    };

    // vLLM's ModelPermission card: clients that read it (older OpenAI SDKs, some UIs) expect the list to be there.
    private static JsonObject Permission(ServedModel model) => new()
    {
        ["id"] = $"modelperm-{model.CreatedUnixSeconds:x}",
        ["object"] = "model_permission",
        ["created"] = model.CreatedUnixSeconds,
        ["allow_create_engine"] = false,
        ["allow_sampling"] = true,
        ["allow_logprobs"] = true,
        ["allow_search_indices"] = false,
        ["allow_view"] = true,
        ["allow_fine_tuning"] = false,
        ["organization"] = "*",
        ["group"] = null,
        ["is_blocking"] = false,
    };

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
            MemoryShareBytes = model.MemoryShare?.ShareBytes,
            MemoryFreeSeenBytes = model.MemoryShare is { FreeSeenBytes: >= 0 } share ? share.FreeSeenBytes : null,
            MemoryTakenBytes = model.MemoryShare is null ? null : model.MemoryTakenBytes,
            TemplateRendersTools = model.Tools.TemplateRendersTools,
            ToolCallParser = model.Tools.Format?.Name,
        };
    }
}
