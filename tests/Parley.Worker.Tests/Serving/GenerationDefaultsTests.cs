using Parley.Worker.Serving;

namespace Parley.Worker.Tests.Serving;

// --generation-config: auto reads the model's file, vllm keeps only its end-of-turn ids, a folder supplies its own.
public sealed class GenerationDefaultsTests : IDisposable
{
    private readonly string _model = Directory.CreateTempSubdirectory("parley-model-").FullName;
    private readonly string _other = Directory.CreateTempSubdirectory("parley-generation-").FullName;

    public GenerationDefaultsTests()
    {
        File.WriteAllText(Path.Combine(_model, "generation_config.json"), """{"eos_token_id": [1, 2], "bos_token_id": 0, "temperature": 0.6, "top_p": 0.95}""");
        File.WriteAllText(Path.Combine(_other, "generation_config.json"), """{"eos_token_id": 7, "temperature": 0.2}""");
    }

    public void Dispose()
    {
        Directory.Delete(_model, recursive: true);
        Directory.Delete(_other, recursive: true);
    }

    [Fact]
    public void Auto_ReadsTheModelsSamplingDefaults()
    {
        var config = GenerationDefaults.Load("auto", _model);

        config.Should().BeEquivalentTo(new { EosTokenIds = new[] { 1, 2 }, Temperature = 0.6, TopP = 0.95 });
    }

    [Fact]
    public void Vllm_DropsTheSamplingDefaults_ButStillStopsAtTheModelsEndOfTurn()
    {
        var config = GenerationDefaults.Load("vllm", _model);

        config.EosTokenIds.Should().Equal(1, 2);
        config.BosTokenId.Should().Be(0);
        config.Temperature.Should().BeNull();
        config.TopP.Should().BeNull();
    }

    [Fact]
    public void Folder_ReplacesTheModelsFile() =>
        GenerationDefaults.Load(_other, _model).Should().BeEquivalentTo(new { EosTokenIds = new[] { 7 }, Temperature = 0.2, TopP = (double?)null });

    [Fact]
    public void FolderWithoutTheFile_FailsTheLoadNamingIt() =>
        FluentActions.Invoking(() => GenerationDefaults.Load(_model + "-missing", _model)).Should().Throw<FileNotFoundException>().WithMessage("*holds no generation_config.json*");
}
