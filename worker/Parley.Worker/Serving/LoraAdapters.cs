// The adapters a worker serves, by name: those of --lora-modules, loaded at start, and those loaded or unloaded at
// run time (POST /v1/load_lora_adapter, /v1/unload_lora_adapter). Each is read and checked once when it is added, so a
// request never meets a broken adapter; which ones are resident in the backend is the engine's business (max_loras).
// An unloaded adapter's running requests finish with it; new requests can no longer name it.
using System.Globalization;
using Parley.Engine.Lora;
using Parley.Engine.Models;

namespace Parley.Worker.Serving;

/// <summary>An adapter as the API lists it.</summary>
/// <param name="Adapter">The loaded adapter.</param>
/// <param name="Path">The folder it was read from, as given.</param>
/// <param name="Parent">The served model name it is listed under.</param>
public sealed record ServedAdapter(LoraAdapter Adapter, string Path, string Parent)
{
    public string Name => Adapter.Name;
}

/// <summary>The served adapters; safe to use from any thread.</summary>
public sealed class LoraAdapters(ModelConfig baseConfig, IReadOnlyList<string> modelNames, int maxRank)
{
    private readonly Lock _lock = new();
    private readonly List<ServedAdapter> _adapters = [];

    /// <summary>Every adapter, in the order they were added.</summary>
    public IReadOnlyList<ServedAdapter> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _adapters];
            }
        }
    }

    public ServedAdapter? Find(string name)
    {
        lock (_lock)
        {
            return _adapters.Find(adapter => adapter.Name == name);
        }
    }

    /// <summary>Reads, checks and adds the adapter in <paramref name="path"/>.</summary>
    /// <param name="name">The name requests will select it by.</param>
    /// <param name="path">A local PEFT adapter folder.</param>
    /// <param name="baseModelName">The served name it is listed under; null: the primary one.</param>
    /// <exception cref="LoraAdapterException">The name is taken, or the adapter cannot be served on this model; the
    /// message says why in vLLM's words where vLLM has them.</exception>
    public ServedAdapter Add(string name, string path, string? baseModelName = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(path);
        if (modelNames.Contains(name))
        {
            throw new LoraAdapterException($"The lora adapter '{name}' has the name of the served model; give it its own name.");
        }

        if (Find(name) is not null)
        {
            throw new LoraAdapterException($"The lora adapter '{name}' has already been loaded.");
        }

        if (!Directory.Exists(path))
        {
            throw new LoraAdapterException($"No adapter found at '{path}': give a local folder holding adapter_config.json and adapter_model.safetensors.");
        }

        var adapter = LoraAdapter.Load(name, path, baseConfig);
        if (adapter.Rank > maxRank)
        {
            throw new LoraAdapterException(string.Create(CultureInfo.InvariantCulture,
                $"LoRA rank {adapter.Rank} is greater than max_lora_rank {maxRank}; start the worker with --max-lora-rank {adapter.Rank} or more."));
        }

        var served = new ServedAdapter(adapter, path, baseModelName is not null && modelNames.Contains(baseModelName) ? baseModelName : modelNames[0]);
        lock (_lock)
        {
            if (_adapters.Exists(existing => existing.Name == name))
            {
                throw new LoraAdapterException($"The lora adapter '{name}' has already been loaded.");
            }

            _adapters.Add(served);
        }

        return served;
    }

    /// <summary>Removes the adapter named <paramref name="name"/>; false when there is none.</summary>
    public bool Remove(string name)
    {
        lock (_lock)
        {
            return _adapters.RemoveAll(adapter => adapter.Name == name) > 0;
        }
    }
}
