// dev mode's local checkpoint folders: config.json completes spec.model.architecture, and the spec's own fields win.
using System.Text.Json.Nodes;
using Parley.Operator.Cli;

namespace Parley.Cluster.Tests.Cli;

public sealed class LocalCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("parley-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void CompleteArchitecture_FromConfigJson_FillsWhatTheSpecLeavesOpen()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), """
            { "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128,
              "vocab_size": 259, "max_position_embeddings": 2048, "tie_word_embeddings": true }
            """);
        var chat = Chat($"file://{_folder}", new JsonObject { ["maxPositionEmbeddings"] = 1024 });

        LocalCheckpoint.CompleteArchitecture(chat);

        chat["spec"]!["model"]!["architecture"]!.ToJsonString().Should().Be(new JsonObject
        {
            ["maxPositionEmbeddings"] = 1024, ["numHiddenLayers"] = 2, ["hiddenSize"] = 64, ["numAttentionHeads"] = 4, ["intermediateSize"] = 128,
            ["vocabSize"] = 259, ["tieWordEmbeddings"] = true, ["numKeyValueHeads"] = 4,
        }.ToJsonString());
    }

    [Fact]
    public void CompleteArchitecture_OfAFolderWithoutConfigJson_SaysSo()
    {
        var complete = () => LocalCheckpoint.CompleteArchitecture(Chat(_folder, null));

        complete.Should().Throw<FileNotFoundException>().WithMessage("*has no config.json*");
    }

    [Fact]
    public void CompleteArchitecture_OfTheDemo_ChangesNothing()
    {
        var chat = Chat("demo", null);

        LocalCheckpoint.CompleteArchitecture(chat);

        chat["spec"]!["model"]!["architecture"].Should().BeNull();
    }

    private static JsonObject Chat(string source, JsonObject? architecture) => new()
    {
        ["kind"] = "ChatDeployment",
        ["metadata"] = new JsonObject { ["name"] = "local" },
        ["spec"] = new JsonObject { ["model"] = new JsonObject { ["source"] = source, ["architecture"] = architecture } },
    };
}
