using Parley.Tuning.Catalog;

namespace Parley.Tuning.Tests.Catalog;

public class CatalogTests
{
    public static TheoryData<string> Models() => new(ModelCatalog.All.Select(model => model.Id));

    [Theory]
    [MemberData(nameof(Models))]
    public void Model_ShapesAreConsistent(string id)
    {
        var model = ModelCatalog.Find(id)!;

        (model.NumAttentionHeads % model.NumKeyValueHeads).Should().Be(0);
        model.HeadDim.Should().BeOneOf(64, 128);
        model.MaxPositionEmbeddings.Should().BeGreaterThanOrEqualTo(8192);
    }

    [Fact]
    public void Catalog_HasEveryModelTheReadmePromises()
    {
        string[] promised =
        [
            "meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
            "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
            "Qwen/Qwen2.5-0.5B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct", "Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen3-0.6B", "Qwen/Qwen3-1.7B",
            "Qwen/Qwen3-4B", "Qwen/Qwen3-8B", "mistralai/Mistral-7B-Instruct-v0.3",
        ];

        promised.Should().OnlyContain(id => ModelCatalog.Find(id) != null);
    }

    [Fact]
    public void GptqVariants_AreCatalogEntriesWithTheSameShapes()
    {
        foreach (var model in ModelCatalog.All.Where(model => model.GptqVariant is not null))
        {
            var variant = ModelCatalog.Find(model.GptqVariant!)!;
            variant.Gptq.Should().NotBeNull();
            (variant with { Id = model.Id, Gptq = null, TorchDtype = model.TorchDtype, GptqVariant = model.GptqVariant }).Should().Be(model);
        }
    }

    [Theory]
    [InlineData("Qwen/qwen3-8b", "Qwen/Qwen3-8B")]
    [InlineData("Qwen3-8B", "Qwen/Qwen3-8B")]
    [InlineData("someone/DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")]
    public void Find_MatchesIdsCaseInsensitivelyAndByName(string query, string expected)
    {
        ModelCatalog.Find(query)!.Id.Should().Be(expected);
    }

    [Fact]
    public void GpuAliases_AreUnique()
    {
        var names = GpuCatalog.All.SelectMany(gpu => gpu.Aliases.Append(gpu.Label)).Select(name => name.ToLowerInvariant()).ToList();

        names.Should().OnlyHaveUniqueItems();
    }

    [Theory]
    [InlineData("rtx-3060-12gb", "NVIDIA-GeForce-RTX-3060")]
    [InlineData("NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-80GB-HBM3")]
    [InlineData("nvidia-l4", "NVIDIA-L4")]
    [InlineData("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", "NVIDIA-A100-SXM4-40GB-MIG-1g.5gb")]
    public void GpuFind_AcceptsLabelsAndAliases(string name, string label)
    {
        GpuCatalog.Find(name)!.Label.Should().Be(label);
    }

    [Fact]
    public void GpuCatalog_MigSlicesAreSmallerThanTheirGpu()
    {
        foreach (var mig in GpuCatalog.All.Where(gpu => gpu.IsMig))
        {
            var whole = GpuCatalog.Find(mig.Label[..mig.Label.IndexOf("-MIG-", StringComparison.Ordinal)])!;
            mig.MemoryMiB.Should().BeLessThanOrEqualTo(whole.MemoryMiB);
        }
    }
}
