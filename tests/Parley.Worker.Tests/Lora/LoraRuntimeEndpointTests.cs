using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Lora;

public class LoraRuntimeEndpointTests
{
    [Fact]
    public async Task LoadThenUnload_AddsTheAdapterForRequestsAndTakesItAway()
    {
        await using var lora = await LoraWorker.StartAsync(options => options with { AllowRuntimeLoraUpdating = true }, modules: []);

        var load = await lora.PostAsync("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "sql", ["lora_path"] = lora.Folders["sql"] });
        var answer = await lora.CompleteAsync("sql", "hello");
        var unload = await lora.PostAsync("/v1/unload_lora_adapter", new JsonObject { ["lora_name"] = "sql" });
        var after = await lora.PostAsync("/v1/completions", new JsonObject { ["model"] = "sql", ["prompt"] = "hello", ["max_tokens"] = 1 });

        load.Should().Be((200, "Success: LoRA adapter 'sql' added successfully."));
        answer.Model.Should().Be("sql");
        unload.Should().Be((200, "Success: LoRA adapter 'sql' removed successfully."));
        after.Status.Should().Be(404);
    }

    [Fact]
    public async Task AReloadedAdapter_IsAnotherAdapterForThePrefixCache()
    {
        await using var lora = await LoraWorker.StartAsync(options => options with { AllowRuntimeLoraUpdating = true }, modules: []);
        var prompt = string.Concat(Enumerable.Repeat("the same long prompt. ", 4));
        await lora.PostAsync("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "x", ["lora_path"] = lora.Folders["sql"] });
        await lora.CompleteAsync("x", prompt, maxTokens: 1);
        await lora.PostAsync("/v1/unload_lora_adapter", new JsonObject { ["lora_name"] = "x" });

        await lora.PostAsync("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "x", ["lora_path"] = lora.Folders["chat"] });
        await lora.CompleteAsync("x", prompt, maxTokens: 1);

        lora.Worker.Host.Model!.Engine.Stats.PrefixCacheHits.Should().Be(0, "another adapter under an old name must not reuse the old one's KV blocks");
    }

    public static TheoryData<string, string, int, string> Refusals() => new()
    {
        { "/v1/load_lora_adapter", """{"lora_name": "sql"}""", 400, "Both 'lora_name' and 'lora_path' must be provided." },
        { "/v1/load_lora_adapter", """{"lora_name": "sql", "lora_path": "SQL"}""", 400, "The lora adapter 'sql' has already been loaded." },
        { "/v1/load_lora_adapter", """{"lora_name": "new", "lora_path": "/nonexistent/adapter"}""", 404, "No adapter found at '/nonexistent/adapter'" },
        { "/v1/load_lora_adapter", """{"lora_name": "wide", "lora_path": "BIG"}""", 400, "LoRA rank 32 is greater than max_lora_rank 16" },
        { "/v1/unload_lora_adapter", """{"lora_name": "nope"}""", 404, "The lora adapter 'nope' cannot be found." },
        { "/v1/unload_lora_adapter", "{}", 400, "either 'lora_name' and 'lora_int_id' needs to be provided." },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task BadCalls_AreRefusedInVllmsWords(string path, string body, int status, string message)
    {
        await using var lora = await LoraWorker.StartAsync(options => options with { AllowRuntimeLoraUpdating = true });
        using var big = new Parley.Testing.Models.TinyLoraFolder(lora.Worker.Options.Model, new Parley.Testing.Models.TinyLoraSpec { Rank = 32 });
        var json = JsonNode.Parse(body.Replace("SQL", lora.Folders["sql"], StringComparison.Ordinal).Replace("BIG", big.Path, StringComparison.Ordinal))!.AsObject();

        var (answerStatus, answer) = await lora.PostAsync(path, json);

        answerStatus.Should().Be(status);
        answer.Should().Contain(message);
    }

    [Fact]
    public async Task WithoutRuntimeUpdating_TheEndpointsDoNotExist()
    {
        await using var lora = await LoraWorker.StartAsync();

        var (status, _) = await lora.PostAsync("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "late", ["lora_path"] = lora.Folders["late"] });

        status.Should().Be(404);
        (await lora.PostAsync("/v1/completions", new JsonObject { ["model"] = "late", ["prompt"] = "x", ["max_tokens"] = 1 })).Status.Should().Be(404);
    }

    [Fact]
    public async Task TheEndpoints_NeedTheApiKey()
    {
        await using var lora = await LoraWorker.StartAsync(options => options with { AllowRuntimeLoraUpdating = true, ApiKey = "secret" });

        var (status, _) = await lora.PostAsync("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "late", ["lora_path"] = lora.Folders["late"] });
        lora.Worker.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "secret");
        var (withKey, _) = await lora.PostAsync("/v1/load_lora_adapter", new JsonObject { ["lora_name"] = "late", ["lora_path"] = lora.Folders["late"] });

        status.Should().Be(401);
        withKey.Should().Be(200);
    }
}
