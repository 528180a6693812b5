using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Lora;

public class LoraServingTests
{
    [Fact]
    public async Task Models_ListsEachAdapterWithTheBaseModelAsParent()
    {
        await using var lora = await LoraWorker.StartAsync();

        var models = await lora.Worker.Http.GetFromJsonAsync<JsonObject>(new Uri("/v1/models", UriKind.Relative));

        var data = models!["data"]!.AsArray();
        data.Select(card => card!["id"]!.GetValue<string>()).Should().Equal(RunningWorker.ModelName, "sql", "chat");
        data[0]!["parent"].Should().BeNull();
        data[1]!["parent"]!.GetValue<string>().Should().Be(RunningWorker.ModelName);
        data[1]!["root"]!.GetValue<string>().Should().Be(lora.Folders["sql"]);
        data[2]!["object"]!.GetValue<string>().Should().Be("model");
    }

    [Fact]
    public async Task ModelNamingAnAdapter_RunsItAndReportsItsName()
    {
        await using var lora = await LoraWorker.StartAsync();

        var base1 = await lora.CompleteAsync(RunningWorker.ModelName, "The quick brown fox");
        var sql = await lora.CompleteAsync("sql", "The quick brown fox");
        var chat = await lora.CompleteAsync("chat", "The quick brown fox");
        var baseAgain = await lora.CompleteAsync(RunningWorker.ModelName, "The quick brown fox");

        sql.Model.Should().Be("sql");
        chat.Model.Should().Be("chat");
        base1.Model.Should().Be(RunningWorker.ModelName);
        new[] { base1.Text, sql.Text, chat.Text }.Should().OnlyHaveUniqueItems("each adapter changes the greedy answer");
        baseAgain.Text.Should().Be(base1.Text, "the base model stays itself after adapters ran");
    }

    [Fact]
    public async Task ChatCompletions_SelectAnAdapterByModel()
    {
        await using var lora = await LoraWorker.StartAsync();

        var answer = await lora.Worker.PostJsonAsync("/v1/chat/completions", new JsonObject
        {
            ["model"] = "chat", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }), ["max_tokens"] = 3, ["ignore_eos"] = true,
        });

        answer["model"]!.GetValue<string>().Should().Be("chat");
    }

    [Fact]
    public async Task AnUnknownModel_Is404InVllmsWords()
    {
        await using var lora = await LoraWorker.StartAsync();

        var (status, body) = await lora.PostAsync("/v1/completions", new JsonObject { ["model"] = "nope", ["prompt"] = "x", ["max_tokens"] = 1 });

        status.Should().Be(404);
        body.Should().Contain("The model `nope` does not exist.");
    }

    [Fact]
    public async Task ThreeAdaptersAndTheBaseAtOnceWithTwoSlots_EachGetWhatTheyGetAlone()
    {
        await using var lora = await LoraWorker.StartAsync(modules: ["sql", "chat", "late"]);
        string[] models = [RunningWorker.ModelName, "sql", "chat", "late", "sql", RunningWorker.ModelName, "late"];
        var alone = new List<string>();
        foreach (var model in models)
        {
            alone.Add((await lora.CompleteAsync(model, $"prompt for {model}", maxTokens: 12)).Text);
        }

        var together = await Task.WhenAll(models.Select(model => lora.CompleteAsync(model, $"prompt for {model}", maxTokens: 12)));

        together.Select(answer => answer.Text).Should().Equal(alone);
    }

    [Fact]
    public async Task APromptUnderAnotherAdapter_FindsNoneOfItsCachedBlocks()
    {
        await using var lora = await LoraWorker.StartAsync();
        var prompt = string.Concat(Enumerable.Repeat("a long shared system prompt. ", 4));
        var engine = lora.Worker.Host.Model!.Engine;

        await lora.CompleteAsync("sql", prompt, maxTokens: 1);
        await lora.CompleteAsync("chat", prompt, maxTokens: 1);
        await lora.CompleteAsync(RunningWorker.ModelName, prompt, maxTokens: 1);
        var hitsAcrossAdapters = engine.Stats.PrefixCacheHits;
        await lora.CompleteAsync("sql", prompt, maxTokens: 1);

        hitsAcrossAdapters.Should().Be(0, "two adapters, or an adapter and the base, never share KV blocks");
        engine.Stats.PrefixCacheHits.Should().BeGreaterThan(0, "the same adapter reuses its own blocks");
    }

    [Fact]
    public async Task LoraRequestsInfo_IsExportedWithMaxLora()
    {
        await using var lora = await LoraWorker.StartAsync();
        await lora.CompleteAsync("sql", "x", maxTokens: 1);

        var scrape = await lora.Worker.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        scrape.Split('\n').Should().ContainSingle(line => line.StartsWith("vllm:lora_requests_info{", StringComparison.Ordinal))
            .Which.Should().Contain("max_lora=\"2\"").And.Contain("running_lora_adapters=\"\"").And.Contain("waiting_lora_adapters=\"\"");
    }

    [Fact]
    public async Task AnAdapterThatCannotBeServed_StopsTheStartWithItsReason()
    {
        var folder = Directory.CreateTempSubdirectory("parley-lora-dora-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "adapter_config.json"), """{"peft_type": "LORA", "r": 8, "target_modules": ["q_proj"], "use_dora": true}""");
            await using var worker = await RunningWorker.StartAsync(options => options with { EnableLora = true, LoraModules = [new LoraModulePath("dora", folder)] }, waitUntilReady: false);

            for (var attempt = 0; attempt < 500 && worker.Host.LoadError is null; attempt++)
            {
                await Task.Delay(20);
            }

            worker.Host.LoadError.Should().Contain("use_dora is true");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
