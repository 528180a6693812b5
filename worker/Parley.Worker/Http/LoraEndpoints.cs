// vLLM's run-time adapter endpoints: POST /v1/load_lora_adapter {"lora_name", "lora_path"} reads, checks and adds an
// adapter; POST /v1/unload_lora_adapter {"lora_name"} removes one. As in vLLM they exist only when the worker serves
// LoRA and VLLM_ALLOW_RUNTIME_LORA_UPDATING is true (anyone who can call them can make the worker read any folder it
// sees), they sit behind the API key, and they answer in vLLM's words: a plain-text "Success: ..." line, 400 for a
// missing field, a name already loaded or an adapter that cannot be served, 404 for an unknown adapter or folder.
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Parley.Engine.Lora;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Loads and unloads LoRA adapters while the worker serves.</summary>
public static class LoraEndpoints
{
    public const string LoadPath = "/v1/load_lora_adapter";
    public const string UnloadPath = "/v1/unload_lora_adapter";

    public static async Task<IResult> LoadAsync(HttpContext context, ModelHost host, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (adapters, body) = await ReadAsync(context, host).ConfigureAwait(false);
        if (body.String("lora_name") is not { Length: > 0 } name || body.String("lora_path") is not { Length: > 0 } path)
        {
            throw ApiException.BadRequest("Both 'lora_name' and 'lora_path' must be provided.");
        }

        if (adapters.Find(name) is not null)
        {
            throw ApiException.BadRequest($"The lora adapter '{name}' has already been loaded.", "lora_name");
        }

        if (!Directory.Exists(path))
        {
            throw new ApiException(404, $"No adapter found at '{path}': give a folder the worker can read, holding adapter_config.json and adapter_model.safetensors.", "lora_path");
        }

        try
        {
            var served = adapters.Add(name, path);
            logger.LoraAdapterLoaded(served.Name, served.Path, served.Adapter.Rank);
        }
        catch (LoraAdapterException exception)
        {
            throw ApiException.BadRequest(exception.Message);
        }

        return Results.Text($"Success: LoRA adapter '{name}' added successfully.", "text/plain");
    }

    public static async Task<IResult> UnloadAsync(HttpContext context, ModelHost host, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (adapters, body) = await ReadAsync(context, host).ConfigureAwait(false);
        if (body.String("lora_name") is not { Length: > 0 } name)
        {
            throw ApiException.BadRequest("either 'lora_name' and 'lora_int_id' needs to be provided.");
        }

        if (!adapters.Remove(name))
        {
            throw new ApiException(404, $"The lora adapter '{name}' cannot be found.", "lora_name");
        }

        logger.LoraAdapterRemoved(name);
        return Results.Text($"Success: LoRA adapter '{name}' removed successfully.", "text/plain");
    }

    private static async Task<(LoraAdapters Adapters, RequestReader Body)> ReadAsync(HttpContext context, ModelHost host)
    {
        var model = RequestContext.Model(host);
        var adapters = model.Adapters ?? throw ApiException.BadRequest("This worker serves no LoRA adapters; start it with --enable-lora.");
        return (adapters, await RequestContext.BodyAsync(context.Request, model).ConfigureAwait(false));
    }
}
