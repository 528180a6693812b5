// Every argument list the operator can render starts the worker: rendered for each catalog model on each catalog GPU
// it fits (and the spec's variants: a claim, a chat template, each reasoning parser, GPTQ), then parsed by the
// worker's own command line, whose options must carry the plan's numbers unchanged.
using k8s.Models;
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Spec;
using Parley.Operator.Resources;
using Parley.Tuning;
using Parley.Tuning.Catalog;
using Parley.Worker;
using Parley.Worker.Cli;

namespace Parley.Contract.Tests;

public class WorkerArgumentsTests
{
    [Fact]
    public async Task EveryArgumentListTheOperatorRenders_ParsesInTheWorkerWithThePlansNumbers()
    {
        var rendered = 0;
        var withAdapters = 0;
        foreach (var spec in Specs())
        {
            foreach (var gpu in GpuCatalog.All)
            {
                var result = Planner.Plan(Defaults.Apply(spec), GpuInventory.Of(gpu));
                if (result.Plan is not { } plan)
                {
                    continue;
                }

                var chat = new ChatDeployment { Metadata = new V1ObjectMeta { Name = "chat", NamespaceProperty = "team-a", Uid = "u-1" }, Spec = spec };
                var args = WorkerArgs.Build(BuildContext.For(chat, plan, OperatorDefaults.Standard));
                var (exitCode, options, errors) = await ParseAsync(args);

                var what = $"{spec.Model.Source} on {gpu.Label}: {string.Join(' ', args)}";
                exitCode.Should().Be(0, $"{what} failed: {errors}");
                options!.MaxModelLen.Should().Be(plan.MaxModelLen, what);
                options.GpuMemoryUtilization.Should().BeApproximately(plan.GpuMemoryUtilization, 0.005, what);
                options.MaxNumSeqs.Should().Be(plan.MaxNumSeqs, what);
                options.MaxNumBatchedTokens.Should().Be(plan.MaxNumBatchedTokens, what);
                options.Quantization.Should().Be(plan.Format.Gptq is null ? null : "gptq", what);
                options.Dtype.Should().Be(plan.Format.Dtype.Name(), what);
                options.EnablePrefixCaching.Should().BeTrue(what);
                options.Port.Should().Be(WorkerArgs.Port, what);
                options.EnableLora.Should().Be(plan.Lora is not null, what);
                if (plan.Lora is { } lora)
                {
                    options.LoraModules.Select(module => (module.Name, module.Path)).Should().Equal(
                        [("sql", "org/sql-lora"), ("de", "/mnt/adapters/lora/de"), ("local", "/adapters/local")], what);
                    options.MaxLoras.Should().Be(lora.MaxLoras, what);
                    options.MaxLoraRank.Should().Be(lora.MaxLoraRank, what);
                    withAdapters++;
                }

                rendered++;
            }
        }

        rendered.Should().BeGreaterThan(100, "most catalog models fit most catalog GPUs");
        withAdapters.Should().BePositive("the spec with adapters fits some GPU");
    }

    [Fact]
    public async Task LoraFlagsSpelledByWorkerFlags_ParseInTheWorker()
    {
        string[] args =
        [
            WorkerFlags.Model, "org/name", WorkerFlags.ServedModelName, "chat", WorkerFlags.EnableLora,
            WorkerFlags.LoraModules, "sql=/models/adapters/sql", """{"name":"tone","path":"/models/adapters/tone","base_model_name":"chat"}""",
            WorkerFlags.MaxLoras, "2", WorkerFlags.MaxLoraRank, "32",
        ];

        var (exitCode, options, errors) = await ParseAsync(args);

        exitCode.Should().Be(0, errors);
        options!.EnableLora.Should().BeTrue();
        options.LoraModules.Should().Equal(new LoraModulePath("sql", "/models/adapters/sql"), new LoraModulePath("tone", "/models/adapters/tone", "chat"));
        options.MaxLoras.Should().Be(2);
        options.MaxLoraRank.Should().Be(32);
    }

    [Fact]
    public async Task AWrongFlag_IsRefusedByTheWorker_SoTheContractTestCanFail()
    {
        var (exitCode, _, _) = await ParseAsync(["--model", "org/name", "--max-model-length", "4096"]);

        exitCode.Should().NotBe(0);
    }

    private static IEnumerable<ChatDeploymentSpec> Specs()
    {
        foreach (var model in ModelCatalog.All)
        {
            yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = model.Id } };
        }

        var first = ModelCatalog.All[0].Id;
        yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = $"pvc://models/{first}", Architecture = null } };
        yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = ModelSource.DemoName } };
        yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = $"/models/{ModelCatalog.All[0].ShortName}" } };
        yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = first, ChatTemplate = new ChatTemplateSpec { Inline = "{{ messages }}" } } };
        foreach (var parser in Enum.GetValues<ReasoningParser>())
        {
            yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = first, ReasoningParser = parser } };
        }

        foreach (var model in ModelCatalog.All)
        {
            yield return new ChatDeploymentSpec { Model = new ModelSpec { Source = model.Id, Quantization = Quantization.Gptq } };
        }

        yield return new ChatDeploymentSpec
        {
            Model = new ModelSpec
            {
                Source = first,
                Adapters = [new() { Name = "sql", Source = "org/sql-lora" }, new() { Name = "de", Source = "pvc://lora/de" }, new() { Name = "local", Source = "/adapters/local" }],
            },
            Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 2, MaxLoraRank = 64 } },
        };
    }

    private static async Task<(int ExitCode, WorkerOptions? Options, string Errors)> ParseAsync(IReadOnlyList<string> args)
    {
        WorkerOptions? parsed = null;
        using var errors = new StringWriter();
        var command = WorkerCommand.Create(options =>
        {
            parsed = options;
            return Task.FromResult(0);
        }, errors);
        var exitCode = await command.Parse(args.ToArray()).InvokeAsync(new System.CommandLine.InvocationConfiguration { Error = errors, Output = errors });
        return (exitCode, parsed, errors.ToString());
    }
}
