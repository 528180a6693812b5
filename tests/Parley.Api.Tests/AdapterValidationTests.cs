using k8s.Models;
using Parley.Api.Spec;

namespace Parley.Api.Tests;

public class AdapterValidationTests
{
    [Fact]
    public void Validate_AdaptersInEverySourceForm_HaveNoErrors()
    {
        var chat = Chat(
            new AdapterSpec { Name = "sql", Source = "org/qwen-sql-lora" },
            new AdapterSpec { Name = "de.v2", Source = "hf://org/qwen-german" },
            new AdapterSpec { Name = "Support_Bot", Source = "pvc://adapters/support/final" },
            new AdapterSpec { Name = "local-1", Source = "/home/me/lora" });

        Validation.Validate(chat).Should().BeEmpty();
    }

    [Fact]
    public void Validate_TwoAdaptersWithOneName_NamesTheSecondAndSaysToRename()
    {
        var chat = Chat(new AdapterSpec { Name = "sql", Source = "org/a" }, new AdapterSpec { Name = "sql", Source = "org/b" });

        Validation.Validate(chat).Should().ContainSingle().Which.Should().Match<ValidationError>(error =>
            error.Path == "spec.model.adapters[1].name" && error.Message.Contains("rename or remove one"));
    }

    [Fact]
    public void Validate_AdapterNamedLikeTheDefaultServedName_IsRejected()
    {
        var chat = Chat(new AdapterSpec { Name = "Qwen3-8B", Source = "org/a" });
        chat.Spec.Model.ServedName = null;
        chat.Spec.Model.Source = "pvc://models/Qwen3-8B";

        Validation.Validate(chat).Should().ContainSingle(error =>
            error.Path == "spec.model.adapters[0].name" && error.Message.Contains("base model's served name"));
    }

    [Fact]
    public void Validate_AdapterNamedLikeAnExplicitServedName_IsRejected()
    {
        var chat = Chat(new AdapterSpec { Name = "assistant", Source = "org/a" });
        chat.Spec.Model.ServedName = "assistant";

        Validation.Validate(chat).Should().ContainSingle(error => error.Path == "spec.model.adapters[0].name");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("org/name")]
    [InlineData("a=b")]
    [InlineData("-leading")]
    [InlineData("trailing.")]
    [InlineData("sql\n")]
    [InlineData("a-name-that-is-far-too-long-for-an-adapter-because-it-goes-on-and-on")]
    public void Validate_AdapterNameThatIsNotUrlSafe_SaysWhichCharactersToUse(string name)
    {
        var chat = Chat(new AdapterSpec { Name = name, Source = "org/a" });

        Validation.Validate(chat).Should().ContainSingle(error =>
            error.Path == "spec.model.adapters[0].name" && error.Message.Contains("letters, digits"));
    }

    [Theory]
    [InlineData("demo", "built-in base model")]
    [InlineData("not a source", "is not a model source")]
    [InlineData("pvc://adapters/../secrets", "stay inside the claim")]
    [InlineData("", "is required")]
    public void Validate_AdapterSourceTheWorkerCannotRead_IsRejectedWithTheFormsToUse(string source, string expected)
    {
        var chat = Chat(new AdapterSpec { Name = "sql", Source = source });

        Validation.Validate(chat).Should().ContainSingle(error =>
            error.Path == "spec.model.adapters[0].source" && error.Message.Contains(expected));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(320)]
    [InlineData(512)]
    public void Validate_MaxLoraRankThatVllmAccepts_HasNoErrors(int rank)
    {
        var chat = Chat(new AdapterSpec { Name = "sql", Source = "org/a" });
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoraRank = rank } };

        Validation.Validate(chat).Should().BeEmpty();
    }

    [Theory]
    [InlineData(4)]
    [InlineData(24)]
    [InlineData(1024)]
    public void Validate_MaxLoraRankOutsideVllmsSet_ListsTheAllowedRanks(int rank)
    {
        var chat = Chat(new AdapterSpec { Name = "sql", Source = "org/a" });
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoraRank = rank } };

        Validation.Validate(chat).Should().ContainSingle(error =>
            error.Path == "spec.worker.tuning.maxLoraRank" && error.Message.Contains("8, 16, 32, 64, 128, 256, 320, 512"));
    }

    [Fact]
    public void Validate_LoraLimitsWithoutAdapters_AskForAdaptersOrRemoval()
    {
        var chat = Chat();
        chat.Spec.Worker = new WorkerSpec { Tuning = new TuningSpec { MaxLoras = 2, MaxLoraRank = 64 } };

        Validation.Validate(chat).Select(error => error.Path).Should().BeEquivalentTo("spec.worker.tuning.maxLoras", "spec.worker.tuning.maxLoraRank");
        Validation.Validate(chat).Should().OnlyContain(error => error.Message.Contains("add spec.model.adapters"));
    }

    [Fact]
    public void Validate_MoreAdaptersThanTheLimit_IsRejected()
    {
        var adapters = Enumerable.Range(0, LoraAdapters.MaxCount + 1).Select(i => new AdapterSpec { Name = $"a{i}", Source = "org/a" }).ToArray();

        Validation.Validate(Chat(adapters)).Should().ContainSingle(error => error.Path == "spec.model.adapters" && error.Message.Contains("at most 32"));
    }

    [Fact]
    public void AllowedRanks_AreTheRanksTheSchemaAllows()
    {
        var attribute = typeof(TuningSpec).GetProperty(nameof(TuningSpec.MaxLoraRank))!
            .GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.AllowedValuesAttribute), false)
            .Cast<System.ComponentModel.DataAnnotations.AllowedValuesAttribute>().Single();

        attribute.Values.Cast<int>().Should().Equal(LoraAdapters.AllowedRanks);
    }

    private static ChatDeployment Chat(params AdapterSpec[] adapters) => new()
    {
        Metadata = new V1ObjectMeta { Name = "chat", NamespaceProperty = "default" },
        Spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = "Qwen/Qwen3-8B", Adapters = adapters.Length == 0 ? null : [.. adapters] } },
    };
}
