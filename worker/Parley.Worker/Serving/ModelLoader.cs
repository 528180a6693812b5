// From WorkerOptions to a ServedModel: find the checkpoint folder (demo, local folder, or the hub), read the tokenizer,
// chat template and generation defaults, size the KV cache, start the engine on the chosen device.
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Parley.Api.Contracts;
using Parley.Engine.Backends;
using Parley.Engine.Backends.Cpu;
using Parley.Engine.Backends.Cuda;
using Parley.Engine.Backends.Cuda.Driver;
using Parley.Engine.Constraints;
using Parley.Engine.Core;
using Parley.Engine.Models;
using Parley.Engine.Text;
using Parley.Engine.Text.Jinja;
using Parley.Worker.Download;

namespace Parley.Worker.Serving;

/// <summary>Loads the model a worker serves.</summary>
public static class ModelLoader
{
    /// <summary>Resolves <see cref="WorkerOptions.Model"/> to a local checkpoint folder.</summary>
    /// <param name="options">The worker's options; <see cref="WorkerOptions.Model"/> is what to resolve.</param>
    /// <param name="files">What the repository holds: the checkpoint, or a LoRA adapter of <c>--lora-modules</c>.</param>
    /// <param name="cancellationToken">Stops a download.</param>
    public delegate Task<string> FolderResolver(WorkerOptions options, HubFileSet files, CancellationToken cancellationToken);

    public static async Task<ServedModel> LoadAsync(WorkerOptions options, FolderResolver resolveFolder, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resolveFolder);
        var folder = await resolveFolder(options, HubFileSet.Checkpoint, cancellationToken).ConfigureAwait(false);
        var config = ModelConfig.Load(folder);
        CheckWeightFormat(options, config);
        var maxModelLen = options.MaxModelLen ?? config.MaxPositionEmbeddings;
        if (maxModelLen > config.MaxPositionEmbeddings && config.RopeScaling is null)
        {
            logger.ContextBeyondTraining(maxModelLen, config.MaxPositionEmbeddings);
        }

        // --tokenizer replaces the model's tokenizer files, and with them the chat template they carry, as in vLLM.
        var tokenizerFolder = options.Tokenizer ?? folder;
        var tokenizerJson = ReadJson(tokenizerFolder, "tokenizer.json") ?? throw new FileNotFoundException($"{tokenizerFolder} has no tokenizer.json.");
        var tokenizer = Tokenizer.FromTokenizerJson(tokenizerJson);
        var tokenizerConfig = TokenizerConfig.Parse(ReadJson(tokenizerFolder, ChatTemplateSource.TokenizerConfigFile)).WithPostProcessor(tokenizerJson);
        var generation = GenerationDefaults.Load(options.GenerationConfig, folder);
        var (template, templateSource, templateError) = ChatTemplate(options, tokenizerFolder, logger);
        var names = options.ServedModelNames.Count > 0 ? options.ServedModelNames.Distinct().ToList() : [options.ServedName];
        var adapters = options.EnableLora
            ? LoadAdapters(options, await AdapterFoldersAsync(options, resolveFolder, cancellationToken).ConfigureAwait(false), config, names, logger)
            : null;
        var (claim, share) = await TakeShareAsync(options, logger, cancellationToken).ConfigureAwait(false);
        IBackend backend;
        string device;
        long deviceBytes;
        try
        {
            (backend, device, deviceBytes) = OpenBackend(folder, config, options, maxModelLen, logger);
        }
        catch
        {
            claim?.Dispose();
            throw;
        }

        if (backend is CudaBackend cuda && share is not null)
        {
            share = share with { FreeSeenBytes = cuda.FreeMemorySeenBytes }; // the GPU's own free memory, seen after waiting
        }

        var engine = new InferenceEngine(backend, new EngineOptions
        {
            MaxModelLen = maxModelLen,
            MaxNumSeqs = options.MaxNumSeqs,
            MaxNumBatchedTokens = Math.Max(options.MaxNumBatchedTokens, 1),
            EnablePrefixCaching = options.EnablePrefixCaching,
            MaxWaitingRequests = options.MaxWaitingRequests ?? 4 * options.MaxNumSeqs,
            EosTokenIds = generation.EosTokenIds,
            MaxLoras = options.EnableLora ? options.MaxLoras : 0,
        });
        logger.Serving(options.ServedName, folder, device, config.ModelType, maxModelLen, backend.KvBlockCount, (backend.KvBlockCount - 1L) * Engine.Scheduling.BlockPool.BlockSize);
        return new ServedModel
        {
            Name = options.ServedName,
            Names = names,
            Adapters = adapters,
            MaxLogprobs = options.MaxLogprobs == -1 ? config.VocabSize : options.MaxLogprobs,
            Seeds = new RequestSeeds(options.Seed),
            Source = options.Model,
            Folder = folder,
            Config = config,
            Tokenizer = tokenizer,
            TokenizerConfig = tokenizerConfig,
            Generation = generation,
            Engine = engine,
            MaxModelLen = maxModelLen,
            KvBlockCount = backend.KvBlockCount,
            Device = device,
            CreatedUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ChatTemplate = template,
            ChatTemplateError = templateError,
            Reasoning = ReasoningFormats.Parse(options.ReasoningParser),
            Tools = ToolSupport.For(templateSource, options.ToolCallParser, tokenizer.Decoder),
            Constraints = new Lazy<ConstraintCompiler>(() => new ConstraintCompiler(new TokenVocabulary(tokenizer.Decoder, generation.EosTokenIds, config.VocabSize))),
            DeviceMemoryBytes = deviceBytes,
            MemoryShare = share,
            MemoryClaim = claim,
            MemoryTakenBytes = device == "cpu" ? (long)backend.KvBlockCount * CpuSizing.BytesPerBlock(config) : deviceBytes,
        };
    }

    // Every --lora-modules adapter is read and checked before the model serves: one that cannot be served stops the
    // start with its reason, as vLLM's init_static_loras does.
    // A --lora-modules path that is not a folder is a hub id (what the operator passes for an adapter from the hub):
    // fetched into the same cache, with the same token, as the base model, at the repository's default revision.
    private static async Task<List<LoraModulePath>> AdapterFoldersAsync(WorkerOptions options, FolderResolver resolveFolder, CancellationToken cancellationToken)
    {
        var modules = new List<LoraModulePath>(options.LoraModules.Count);
        foreach (var module in options.LoraModules)
        {
            modules.Add(Directory.Exists(module.Path)
                ? module
                : module with { Path = await resolveFolder(options with { Model = module.Path, Revision = null }, HubFileSet.LoraAdapter, cancellationToken).ConfigureAwait(false) });
        }

        return modules;
    }

    private static LoraAdapters LoadAdapters(WorkerOptions options, IReadOnlyList<LoraModulePath> modules, ModelConfig config, IReadOnlyList<string> names, ILogger logger)
    {
        var adapters = new LoraAdapters(config, names, options.MaxLoraRank);
        foreach (var module in modules)
        {
            var served = adapters.Add(module.Name, module.Path, module.BaseModelName);
            logger.LoraAdapterLoaded(served.Name, served.Path, served.Adapter.Rank);
        }

        return adapters;
    }

    // --quantization and --dtype must describe the weights as stored: nothing is converted at load.
    private static void CheckWeightFormat(WorkerOptions options, ModelConfig config)
    {
        if (options.Quantization == "gptq" && config.Gptq is null)
        {
            throw new InvalidOperationException("--quantization gptq was given but the checkpoint's config.json has no GPTQ quantization_config.");
        }

        if (LoadDtype.Refusal("--dtype", options.Dtype, config.TorchDtype) is { } refusal)
        {
            throw new InvalidOperationException(refusal);
        }
    }

    private static (JinjaTemplate? Template, string? Source, string? Error) ChatTemplate(WorkerOptions options, string folder, ILogger logger)
    {
        try
        {
            var source = ChatTemplateSource.Resolve(options.ChatTemplate, folder);
            logger.ChatTemplateFrom(source.Origin);
            return (JinjaTemplate.Parse(source.Template), source.Template, null);
        }
        catch (FileNotFoundException exception)
        {
            logger.NoChatTemplate(exception.Message);
            return (null, null, exception.Message);
        }
    }

    // --device auto tries CUDA and falls back to the CPU with the reason in the log; --device cuda insists.
    private static (IBackend Backend, string Device, long DeviceBytes) OpenBackend(string folder, ModelConfig config, WorkerOptions options, int maxModelLen, ILogger logger)
    {
        if (options.Device != "cpu")
        {
            try
            {
                var cuda = CudaBackend.Load(folder, new CudaBackendOptions
                {
                    MaxBatchedTokens = Math.Max(options.MaxNumBatchedTokens, options.MaxNumSeqs),
                    MaxSequences = options.MaxNumSeqs,
                    MaxModelLen = maxModelLen,
                    GpuMemoryUtilization = options.GpuMemoryUtilization,
                    MemoryShareBytes = options.GpuMemoryBytes,
                    MemoryShareWait = TimeSpan.FromSeconds(options.GpuMemoryWaitSeconds),
                    UseCudaGraphs = !options.EnforceEager,
                    Warn = logger.CudaWarning,
                    MaxLoras = options.EnableLora ? options.MaxLoras : 0,
                    MaxLoraRank = options.MaxLoraRank,
                });
                return (cuda, "cuda", cuda.WeightBytes + cuda.KvCacheBytes + cuda.LoraBytes);
            }
            catch (CudaUnavailableException exception) when (options.Device == "auto")
            {
                logger.NoCuda(exception.Message);
            }
        }

        if (options.EnforceEager)
        {
            logger.FlagWithoutEffect("--enforce-eager: the CPU backend runs every step eagerly already; it turns CUDA graphs off only on a GPU.");
        }

        var cpu = OpenCpu(folder, config, options, maxModelLen);
        logger.CpuKernels(cpu.Kernels, cpu.WeightMemory);
        return (cpu, "cpu", 0);
    }

    private static CpuBackend OpenCpu(string folder, ModelConfig config, WorkerOptions options, int maxModelLen)
    {
        // On the CPU the share applies to the KV cache memory, so the whole shared path runs without a GPU.
        var blocks = CpuSizing.Blocks(config, maxModelLen, options.MaxNumSeqs, options.KvCacheMemoryBytes ?? options.GpuMemoryBytes);
        var backend = CpuBackend.Load(folder, new CpuBackendOptions
        {
            KvBlockCount = blocks,
            MaxBatchedTokens = Math.Max(options.MaxNumBatchedTokens, options.MaxNumSeqs),
            MaxSequences = options.MaxNumSeqs,
            MaxModelLen = maxModelLen,
            Threads = options.Threads ?? Environment.ProcessorCount,
            MaxLoras = options.EnableLora ? options.MaxLoras : 0,
            MaxLoraRank = options.MaxLoraRank,
        });
        return backend;
    }

    // A Shared worker on a ledger waits for its share; without a ledger the share only sizes the worker.
    private static async Task<(IDisposable? Claim, MemoryShareReport? Report)> TakeShareAsync(WorkerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (options.GpuMemoryBytes is not { } share)
        {
            return (null, null);
        }

        if (options.CpuMemoryLedger is null || options.CpuMemoryTotalBytes is not { } total)
        {
            return (null, new MemoryShareReport(share, FreeSeenBytes: -1));
        }

        var ledger = new CpuMemoryLedger(options.CpuMemoryLedger, total);
        return await MemoryShareGate.TakeAsync(ledger, share, TimeSpan.FromSeconds(options.GpuMemoryWaitSeconds), logger, cancellationToken).ConfigureAwait(false);
    }

    private static JsonNode? ReadJson(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;
    }
}
